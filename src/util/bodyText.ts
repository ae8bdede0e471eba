// Answers are asked for as raw bytes (`encoding: null`): Rocket.Chat's HTTP bridge then hands back a
// Buffer and parses nothing. A JSON answer it parsed for the app could hold a `__proto__` key, which
// ends the engine's message loop (apps-engine 1.58.1): the app stops answering for about a minute.
import { Buffer } from 'buffer';

/**
 * The answer's body as text: raw bytes decoded as UTF-8 (the first `maxBytes` only, when given); a
 * host that ignored `encoding: null` sends a string already.
 */
export function bodyText(content: unknown, maxBytes = Infinity): string {
    if (typeof content === 'string') {
        return content.length > maxBytes ? content.slice(0, maxBytes) : content;
    }
    if (content instanceof Uint8Array) {
        const length = Math.min(content.byteLength, maxBytes);
        return Buffer.from(content.buffer, content.byteOffset, length).toString('utf8');
    }
    return '';
}

/** The body's size in bytes, as received. */
export function bodyBytes(content: unknown): number {
    if (typeof content === 'string') {
        return Buffer.byteLength(content);
    }
    return content instanceof Uint8Array ? content.byteLength : 0;
}

/** JSON.parse, `__proto__` keys dropped, undefined when it is not JSON. */
export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text, (key, value) => (key === '__proto__' ? undefined : value));
    } catch {
        return undefined;
    }
}
