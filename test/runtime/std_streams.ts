// Stand-in for jsr:@std/streams (apps-engine 1.62.0's import map names it; jsr.io is not reachable from
// here): the runtime uses only toArrayBuffer (handlers/app/handleUploadEvents.ts, for upload events).
export async function toArrayBuffer(readable: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; releaseLock(): void };
}): Promise<ArrayBuffer> {
    const reader = readable.getReader();
    const chunks: Array<Uint8Array> = [];
    let length = 0;
    try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
            if (next.value) {
                chunks.push(next.value);
                length += next.value.byteLength;
            }
        }
    } finally {
        reader.releaseLock();
    }
    const all = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
        all.set(chunk, offset);
        offset += chunk.byteLength;
    }
    return all.buffer;
}
