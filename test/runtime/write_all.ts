// The one function the runtime imports from deno.land (std io/write_all.ts), which this machine cannot reach.
export async function writeAll(writer: { write(p: Uint8Array): Promise<number> }, data: Uint8Array): Promise<void> {
    let written = 0;
    while (written < data.byteLength) {
        written += await writer.write(data.subarray(written));
    }
}
