// Masking secrets in text, without a host: every spelling a receiver may echo, and nothing else.
import { describe, expect, it } from '@jest/globals';

import { maskedExcerpt, maskSecrets, secretForms } from '../src/delivery/secrets';

// The spellings below were made with Python's urllib.parse and html and its base64 (Go's escapers emulated).
const SECRET = 'it\'s a s3cr3t/+="<&>~*';

/** Every 8-character run of `encoded`: none may show once masked. */
function runsOf(encoded: string): Array<string> {
    return Array.from({ length: encoded.length - 7 }, (_, index) => encoded.slice(index, index + 8));
}

/** The base64 characters that carry bits of the bytes from `start` to `end` (their edges included). */
function base64Carrying(bytes: Buffer, start: number, end: number): string {
    return bytes.toString('base64').slice(Math.floor((8 * start) / 6), Math.ceil((8 * end) / 6));
}

describe('maskSecrets over the forms of secretForms', () => {
    it.each([
        ["Python's quote", 'it%27s%20a%20s3cr3t/%2B%3D%22%3C%26%3E~%2A'],
        ["quote(safe='')", 'it%27s%20a%20s3cr3t%2F%2B%3D%22%3C%26%3E~%2A'],
        ['quote_plus', 'it%27s+a+s3cr3t%2F%2B%3D%22%3C%26%3E~%2A'],
        ['quote_plus, lower-case hex', 'it%27s+a+s3cr3t%2f%2b%3d%22%3c%26%3e~%2a'],
        ['percent-encoding of every byte but letters and digits', 'it%27s%20a%20s3cr3t%2F%2B%3D%22%3C%26%3E%7E%2A'],
        ['the same, lower-case hex', 'it%27s%20a%20s3cr3t%2f%2b%3d%22%3c%26%3e%7e%2a'],
        ["Python's html.escape", 'it&#x27;s a s3cr3t/+=&quot;&lt;&amp;&gt;~*'],
        ["Go's html.EscapeString", 'it&#39;s a s3cr3t/+=&#34;&lt;&amp;&gt;~*'],
        ["Go's html/template", 'it&#39;s a s3cr3t/&#43;=&#34;&lt;&amp;&gt;~*'],
        ['decimal references', 'it&#39;s a s3cr3t&#47;&#43;&#61;&#34;&#60;&#38;&#62;~*'],
        ['hex references, lower-case', 'it&#x27;s a s3cr3t&#x2f;&#x2b;&#x3d;&#x22;&#x3c;&#x26;&#x3e;~*'],
        ['hex references, &#X and upper-case', 'it&#X27;s a s3cr3t&#X2F;&#X2B;&#X3D;&#X22;&#X3C;&#X26;&#X3E;~*'],
        ['base64', 'aXQncyBhIHMzY3IzdC8rPSI8Jj5+Kg=='],
        ['base64 without padding', 'aXQncyBhIHMzY3IzdC8rPSI8Jj5+Kg'],
        ['base64url', 'aXQncyBhIHMzY3IzdC8rPSI8Jj5-Kg'],
    ])('masks the secret spelled in %s', (_name, spelled) => {
        expect(maskSecrets(`before ${spelled} after`, secretForms([SECRET]))).toBe('before *** after');
    });

    it.each([0, 1, 2])('masks the secret inside a longer base64 text, %i bytes past a multiple of 3, in both alphabets', (offset) => {
        const bytes = Buffer.from(`${'h'.repeat(offset)}X-RocketChat-Livechat-Token: ${SECRET}\r\nContent-Type: application/json\r\n`);
        const start = bytes.indexOf(SECRET);
        expect(start % 3).toBe((offset + 29) % 3);
        const carrying = base64Carrying(bytes, start, start + Buffer.byteLength(SECRET));
        for (const encode of [(text: string) => text, (text: string) => text.replace(/\+/g, '-').replace(/\//g, '_')]) {
            const masked = maskSecrets(encode(bytes.toString('base64')), secretForms([SECRET]));
            expect(masked).toContain('***');
            for (const run of runsOf(encode(carrying))) {
                expect(masked).not.toContain(run);
            }
        }
    });

    it('masks the shortest secret the app takes (8 characters) in base64 at every offset', () => {
        const secret = 'Tok+/en?';
        for (const prefix of ['', 'a', 'ab']) {
            const bytes = Buffer.from(`${prefix}${secret}!`);
            const masked = maskSecrets(bytes.toString('base64'), secretForms([secret]));
            expect(masked).toContain('***');
            for (const run of runsOf(base64Carrying(bytes, prefix.length, prefix.length + secret.length))) {
                expect(masked).not.toContain(run);
            }
        }
    });

    it('masks an encoded secret that straddles the excerpt cut, all of it', () => {
        const spelled = 'it%27s+a+s3cr3t%2F%2B%3D%22%3C%26%3E~%2A';
        const excerpt = maskedExcerpt(`${'x'.repeat(1010)}${spelled}${'y'.repeat(100)}`, 1024, secretForms([SECRET]));
        expect(excerpt).toBe(`${'x'.repeat(1010)}***${'y'.repeat(11)}`);
    });

    it.each([
        ['.NET System.Text.Json (\\u002B for "+")', (json: string) => json.replace(/\+/g, '\\u002B')],
        ['Gson (\\u003d for "=", \\u0027 for "\'")', (json: string) => json.replace(/=/g, '\\u003d').replace(/'/g, '\\u0027')],
        [
            "PHP's JSON_HEX_TAG | JSON_HEX_AMP (upper-case hex)",
            (json: string) => json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16).toUpperCase()}`),
        ],
        ['every character escaped', (json: string) => json.replace(/[^"\\]/g, (c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`)],
    ])('masks the secret JSON-escaped by %s', (_name, escape) => {
        const json = JSON.stringify(SECRET).slice(1, -1);
        expect(maskSecrets(`{"echo":"${escape(json)}"}`, secretForms([SECRET]))).toBe('{"echo":"***"}');
    });

    it('masks base64 broken into MIME lines (76 columns, CRLF) wherever the break falls', () => {
        const key = Buffer.from('a signing key of thirty-two bytes!!').toString('base64');
        for (let prefix = 0; prefix < 40; prefix += 7) {
            const text = Buffer.concat([Buffer.alloc(prefix, 7), Buffer.from(SECRET)]).toString('base64');
            const wrapped = (text.match(/.{1,76}/g) || []).join('\r\n');
            const masked = maskSecrets(`${key}\r\n${wrapped}`, secretForms([SECRET]));
            for (const run of runsOf(base64Carrying(Buffer.from(SECRET), 1, SECRET.length - 1))) {
                expect(masked.replace(/\r\n/g, '')).not.toContain(run);
            }
            expect(masked.startsWith(key)).toBe(true);
        }
    });

    it('drops what may begin a secret at the end of a body cut short, so no part of it shows', () => {
        const token = `${'A'.repeat(10)}${'!'.repeat(70)}`;
        const every = [...token].map((c) => (/[A-Za-z0-9]/.test(c) ? c : `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('');
        const source = every.repeat(298).slice(0, 64 * 1024);
        const excerpt = maskedExcerpt(source, 1024, secretForms([token]), true);
        expect(excerpt).toMatch(/^\*+$/);
    });

    it('does not mask unrelated text', () => {
        const forms = secretForms(['s3cr3t-Token/+=']);
        const unrelated = [
            '{"ok":true,"id":"abc123"}',
            '{"error":"bad token","hint":"send X-RocketChat-Livechat-Token","at":"2024-01-01T00:00:00Z"}',
            'a=1&b=%2F%2B%3D&c=&#x2F;&#43;&#61;&amp;&quot;',
            Buffer.from('X-RocketChat-Livechat-Token: another-Token/+=\r\n').toString('base64'),
        ];
        for (const text of unrelated) {
            expect(maskSecrets(text, forms)).toBe(text);
        }
    });

    it("does not mask a short secret's base64, which would turn up by chance (runs under 8 characters)", () => {
        expect(maskSecrets('YWJj YWJjZA aXBjZGVm', secretForms(['abc', 'abcd']))).toBe('YWJj YWJjZA aXBjZGVm');
        expect(secretForms(['abc']).every((form) => form.length <= 3)).toBe(true);
    });

    it('computes the forms once for the same secrets', () => {
        const forms = secretForms([SECRET, 'other-secret']);
        expect(secretForms([SECRET, 'other-secret'])).toBe(forms);
        expect(secretForms([SECRET])).not.toBe(forms);
    });
});
