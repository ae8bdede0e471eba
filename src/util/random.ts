import { Buffer } from 'buffer';
import { randomBytes } from 'crypto';

let pool = Buffer.alloc(0);

/** `bytes` random bytes as hex; drawn from a pool filled 1 KiB at a time (one call each is slow). */
export function randomHex(bytes: number): string {
    if (pool.length < bytes) {
        pool = randomBytes(1024);
    }
    const hex = pool.subarray(0, bytes).toString('hex');
    pool = pool.subarray(bytes);
    return hex;
}
