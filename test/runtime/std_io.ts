// Stand-in for jsr:@std/io (apps-engine 1.62.0's import map names it; jsr.io is not reachable from here):
// the runtime uses only writeAll (lib/messenger.ts, lib/metricsCollector.ts).
export async function writeAll(writer: { write(p: Uint8Array): Promise<number> }, data: Uint8Array): Promise<void> {
    let written = 0;
    while (written < data.byteLength) {
        written += await writer.write(data.subarray(written));
    }
}
