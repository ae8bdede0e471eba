// The delivery report: every verdict and error kind, against a real loopback receiver.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { LivechatWebhookTestApp } from '../LivechatWebhookTestApp';
import { closedPort } from './host/receiver';
import { startWorld, USERS, World } from './host/world';

let world: World;

beforeEach(async () => {
    world = await startWorld(LivechatWebhookTestApp);
});

afterEach(async () => {
    await world.close();
});

async function delivery(): Promise<{ status: number; content: any; report: any }> {
    const response = await world.testAs(USERS.admin);
    return { status: response.status as number, content: response.content, report: (response.content as any).delivery };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Tokens with what percent-encoders and HTML escapers treat differently (spaces, quotes, ! * ( ) ~ / + = ` & < >).
const PERCENT_TOKEN = "it's (my) token/~*!SECRET +=&";
const HTML_TOKEN = 'tok\'en"<&>+=/`SECRET';

/** Each UTF-8 byte as %XX (upper-case) unless it is ASCII and kept. */
function percentAllBut(text: string, kept: (c: string) => boolean): string {
    return [...Buffer.from(text, 'utf8')]
        .map((byte) => (byte < 0x80 && kept(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
        .join('');
}

/** Python's urllib.parse.quote: letters, digits, _.-~ and `safe` kept. */
function pyQuote(text: string, safe = '/'): string {
    return percentAllBut(text, (c) => /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c));
}

function lowerHex(text: string): string {
    return text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

const HTML_NAMED: { [c: string]: string } = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function htmlEscape(text: string, references: { [c: string]: string }): string {
    return [...text].map((c) => references[c] ?? c).join('');
}

/** Every character an HTML escaper may encode, as a numeric reference. */
function htmlNumeric(text: string, reference: (code: number) => string): string {
    return text.replace(/[&<>"'+=/`]/g, (c) => reference(c.charCodeAt(0)));
}

describe('the delivery report', () => {
    it('reports a 200 as delivered, with the response excerpt, content type, time and a redacted URL', async () => {
        world.host.settings.set('webhook_url', `${world.receiver.url}?key=abc`);
        world.receiver.behave({ status: 200, body: '{"crmId":"42"}', contentType: 'application/json; charset=utf-8' });
        const from = Date.now();
        const { status, content, report } = await delivery();
        expect(status).toBe(200);
        expect(content.success).toBe(true);
        expect(content.error).toBeUndefined();
        expect(report).toMatchObject({
            event: 'LivechatSession',
            url: `${world.receiver.url}?***`,
            status: 200,
            responseExcerpt: '{"crmId":"42"}',
            responseContentType: 'application/json; charset=utf-8',
            verdict: 'delivered',
            source: { kind: 'sample' },
        });
        expect(report.id).toMatch(/^dlv_[0-9a-f]{12}$/);
        expect(report.errorKind).toBeUndefined();
        expect(report.hint).toContain('Nothing to change');
        expect(report.sentAt).toMatch(ISO);
        expect(Date.parse(report.sentAt)).toBeGreaterThanOrEqual(from - 1);
        expect(report.durationMs).toBe(content.durationMs);
        expect(typeof report.durationMs).toBe('number');
    });

    it.each([
        [201, 'Answer 200, not 201'],
        [204, 'Answer 200, not 204'],
        [304, 'Answer 200, not 304'],
        [400, 'rejected the delivery with 400'],
        [401, 'X-RocketChat-Livechat-Token'],
        [403, 'X-RocketChat-Livechat-Token'],
        [404, "check the URL's path"],
        [422, 'rejected the delivery with 422'],
    ])('reports a %i as dropped: the host never retries it', async (code, hint) => {
        world.receiver.behave({ status: code, body: code === 204 ? '' : 'nope' });
        const { status, content, report } = await delivery();
        expect(status).toBe(400);
        expect(content.error).toBe('error-invalid-webhook-response');
        expect(report).toMatchObject({ status: code, verdict: 'dropped', errorKind: 'status' });
        expect(report.hint).toContain(hint);
        expect(report.hint).toContain('never retries');
    });

    it.each([429, 500, 502, 503])('reports a %i as retried: up to 5 attempts, 4 x the timeout apart', async (code) => {
        world.host.settings.set('webhook_timeout_ms', 1500);
        world.receiver.behave({ status: code, body: 'busy' });
        const { status, report } = await delivery();
        expect(status).toBe(400);
        expect(report).toMatchObject({ status: code, verdict: 'retried', errorKind: 'status', responseExcerpt: 'busy' });
        expect(report.hint).toContain('4 more times, 6000 ms');
    });

    it('reports a receiver that does not answer in time as a retried timeout', async () => {
        world.host.settings.set('webhook_timeout_ms', 300);
        world.receiver.behave({ hang: true });
        const { status, report } = await delivery();
        expect(status).toBe(400);
        expect(report).toMatchObject({ verdict: 'retried', errorKind: 'timeout' });
        expect(report.status).toBeUndefined();
        expect(report.responseExcerpt).toBeUndefined();
        expect(report.durationMs).toBeGreaterThanOrEqual(290);
        expect(report.hint).toContain('No answer within 300 ms');
    });

    it('reports a receiver that is down as a retried connection error', async () => {
        world.host.settings.set('webhook_url', `http://127.0.0.1:${await closedPort()}/down`);
        const { status, report } = await delivery();
        expect(status).toBe(400);
        expect(report).toMatchObject({ verdict: 'retried', errorKind: 'connection' });
        expect(report.hint).toContain('Could not connect');
    });

    it('reports a connection reset as a connection error', async () => {
        world.receiver.behave({ reset: true });
        const { report } = await delivery();
        expect(report).toMatchObject({ verdict: 'retried', errorKind: 'connection' });
    });

    it('reports an unusable URL as invalid-url without sending anything', async () => {
        world.host.settings.set('webhook_url', 'https://crm example.com/in?x=1');
        const { status, content, report } = await delivery();
        expect(status).toBe(400);
        expect(content.error).toBe('error-invalid-webhook-url');
        expect(report).toMatchObject({ verdict: 'retried', errorKind: 'invalid-url' });
        expect(report.sentAt).toBeUndefined();
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('reports a URL the network policy refuses as refused, redacted, without sending anything', async () => {
        world.host.settings.set('webhook_url', 'ftp://user:pw@files.example.com/in?x=1');
        const { status, content, report } = await delivery();
        expect(status).toBe(400);
        expect(content.error).toBe('error-ssrf-validation-failed');
        // A URL that is not http(s) shows as its scheme only: what follows may be anything, a password too.
        expect(report).toMatchObject({ verdict: 'refused', errorKind: 'ssrf', url: 'ftp:' });
        expect(report.sentAt).toBeUndefined();
        expect(world.host.http.sent.filter((request) => request.url.startsWith('ftp'))).toHaveLength(0);
    });

    it('reports a missing URL as not-sent', async () => {
        world.host.settings.set('webhook_url', '');
        const { status, content, report } = await delivery();
        expect(status).toBe(400);
        expect(content.error).toBe('Webhook_URL_not_set');
        expect(report).toMatchObject({ verdict: 'not-sent', errorKind: 'url-not-set' });
        expect(report.url).toBeUndefined();
        expect(world.receiver.requests).toHaveLength(0);
    });

    it('keeps the first KiB of a long body, never cutting a character in half', async () => {
        const body = `${'a'.repeat(1023)}é${'b'.repeat(5000)}`;
        world.receiver.behave({ status: 200, body, contentType: 'text/plain' });
        const { report } = await delivery();
        expect(report.responseExcerpt).toBe('a'.repeat(1023));
        world.receiver.behave({ status: 200, body: 'é'.repeat(600), contentType: 'text/plain' });
        const second = await delivery();
        expect(second.report.responseExcerpt).toBe('é'.repeat(512));
        expect(Buffer.byteLength(second.report.responseExcerpt)).toBe(1024);
    });

    it('masks the secret token when the receiver echoes it back', async () => {
        world.host.settings.set('webhook_secret_token', 'tok-echoed-1234');
        world.receiver.behave({ status: 500, body: 'bad token tok-echoed-1234', contentType: 'text/plain; tok-echoed-1234' });
        const { content, report } = await delivery();
        expect(report.responseExcerpt).toBe('bad token ***');
        expect(JSON.stringify(content)).not.toContain('tok-echoed-1234');
    });

    it.each([1000, 1018, 1020, 1023, 1024, 1030])(
        'masks a token the receiver echoes across the 1 KiB cut (starting at byte %i), showing none of it',
        async (offset) => {
            const token = 'TOKstraddles-the-cut-0123456789';
            world.host.settings.set('webhook_secret_token', token);
            world.receiver.behave({ status: 200, body: `${'a'.repeat(offset)}${token}${'b'.repeat(2000)}`, contentType: 'text/plain' });
            const { report } = await delivery();
            const excerpt: string = report.responseExcerpt;
            expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(1024);
            const tail = excerpt.slice(offset);
            // Only the mask (or the part of it that fits) follows the a's: no character of the token.
            expect(excerpt.startsWith('a'.repeat(Math.min(offset, 1024)))).toBe(true);
            expect(/^\**b*$/.test(tail)).toBe(true);
            for (let length = 3; length <= token.length; length++) {
                expect(excerpt).not.toContain(token.slice(0, length));
            }
        },
    );

    it('masks every secret the same way, whatever its length, also JSON-escaped or URL-encoded', async () => {
        world.host.settings.set('webhook_secret_token', 'short/"t"');
        world.receiver.behave({ status: 500, body: 'raw short/"t" json short/\\"t\\" php short\\/\\"t\\" url short%2F%22t%22', contentType: 'text/plain' });
        const { report } = await delivery();
        expect(report.responseExcerpt).toBe('raw *** json *** php *** url ***');
    });

    it('masks a second echo that masking the first pulls across the cut', async () => {
        const token = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
        world.host.settings.set('webhook_secret_token', token);
        // The second copy starts at byte 1025; once the first becomes "***" it would sit at byte 996.
        const body = `{"headers":{"x-rocketchat-livechat-token":"${token}"},"pad":"${'x'.repeat(931)}","raw":"${token}"}`;
        world.receiver.behave({ status: 401, body, contentType: 'application/json' });
        const { report } = await delivery();
        for (let length = 3; length <= token.length; length++) {
            expect(report.responseExcerpt).not.toContain(token.slice(0, length));
        }
        expect(report.responseExcerpt.endsWith('"raw":"***"}')).toBe(true);
    });

    it.each([
        [
            "Go's JSON (\\u0026, \\u003c)",
            'tok&en<x>SECRETVALUE',
            (t: string) =>
                JSON.stringify(t)
                    .slice(1, -1)
                    .replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`),
        ],
        ['form encoding', 'my secret token value', (t: string) => encodeURIComponent(t).replace(/%20/g, '+')],
        ['lower-case percent-encoding', 'tok/en=SECRET+', (t: string) => encodeURIComponent(t).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
        ['HTML entities', 'tok&en"SECRET<', (t: string) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')],
    ])('masks a token the receiver echoes in %s', async (_name, token, spell) => {
        world.host.settings.set('webhook_secret_token', token);
        world.receiver.behave({ status: 500, body: `echo: ${spell(token)}.`, contentType: 'text/plain' });
        const { report } = await delivery();
        expect(report.responseExcerpt).toBe('echo: ***.');
    });

    it.each([
        ['Python\'s quote ("/" kept)', PERCENT_TOKEN, (t: string) => pyQuote(t)],
        ["Python's quote(safe='')", PERCENT_TOKEN, (t: string) => pyQuote(t, '')],
        ["Python's quote_plus", PERCENT_TOKEN, (t: string) => pyQuote(t, ' ').replace(/ /g, '+')],
        ['quote_plus with lower-case hex', PERCENT_TOKEN, (t: string) => lowerHex(pyQuote(t, ' ').replace(/ /g, '+'))],
        ['percent-encoding of every byte but letters and digits', PERCENT_TOKEN, (t: string) => percentAllBut(t, (c) => /[A-Za-z0-9]/.test(c))],
        ['the same with lower-case hex', PERCENT_TOKEN, (t: string) => lowerHex(percentAllBut(t, (c) => /[A-Za-z0-9]/.test(c)))],
        ["Python's html.escape (&#x27;)", HTML_TOKEN, (t: string) => htmlEscape(t, { ...HTML_NAMED, "'": '&#x27;' })],
        ["Go's html.EscapeString (&#39;, &#34;)", HTML_TOKEN, (t: string) => htmlEscape(t, { ...HTML_NAMED, '"': '&#34;', "'": '&#39;' })],
        ["Go's html/template (&#43;)", HTML_TOKEN, (t: string) => htmlEscape(t, { ...HTML_NAMED, '"': '&#34;', "'": '&#39;', '+': '&#43;' })],
        ['decimal character references', HTML_TOKEN, (t: string) => htmlNumeric(t, (code) => `&#${code};`)],
        ['hex character references (&#x2f;)', HTML_TOKEN, (t: string) => htmlNumeric(t, (code) => `&#x${code.toString(16)};`)],
        ['hex character references (&#X2F;)', HTML_TOKEN, (t: string) => htmlNumeric(t, (code) => `&#X${code.toString(16).toUpperCase()};`)],
    ])('masks a token the receiver echoes in %s', async (_name, token, spell) => {
        world.host.settings.set('webhook_secret_token', token);
        world.receiver.behave({ status: 500, body: `echo: ${spell(token)}.`, contentType: 'text/plain' });
        const { report } = await delivery();
        expect(spell(token)).not.toBe(token);
        expect(report.responseExcerpt).toBe('echo: ***.');
    });

    it('masks a token the receiver echoes in base64, padded or not, and base64url', async () => {
        const token = 'tok>en?SECRET~~~';
        const base64 = Buffer.from(token).toString('base64');
        expect(base64).toMatch(/[+/].*=$/);
        world.host.settings.set('webhook_secret_token', token);
        const base64url = base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        world.receiver.behave({ status: 401, body: `${base64} | ${base64.replace(/=+$/, '')} | ${base64url}`, contentType: 'text/plain' });
        const { report } = await delivery();
        expect(report.responseExcerpt).toBe('*** | *** | ***');
    });

    it.each([
        [0, 'base64'],
        [1, 'base64'],
        [2, 'base64'],
        [0, 'base64url'],
        [1, 'base64url'],
        [2, 'base64url'],
    ] as Array<[number, BufferEncoding]>)(
        'masks a token inside request headers the receiver echoes in base64, %i bytes past a multiple of 3, as %s',
        async (offset, encoding) => {
            const token = 'tok>en?SECRET~~';
            world.host.settings.set('webhook_secret_token', token);
            // The receiver's request headers, the User-Agent's length putting the token at the offset.
            const headers = [0, 1, 2]
                .map((pad) => Buffer.from(`User-Agent: node${'x'.repeat(pad)}\r\nX-RocketChat-Livechat-Token: ${token}\r\nContent-Type: application/json\r\n`))
                .find((text) => text.indexOf(token) % 3 === offset) as Buffer;
            const start = headers.indexOf(token);
            world.receiver.behave({ status: 401, body: `{"youSent":"${headers.toString(encoding)}"}`, contentType: 'application/json' });
            const { report } = await delivery();
            expect(world.receiver.requests[0].headers['x-rocketchat-livechat-token']).toBe(token);
            expect(report.responseExcerpt).toContain('***');
            // Every base64 character that carries a bit of the token, the two at its edges included.
            const carrying = headers.toString(encoding).slice(Math.floor((8 * start) / 6), Math.ceil((8 * (start + token.length)) / 6));
            for (let index = 0; index + 8 <= carrying.length; index++) {
                expect(report.responseExcerpt).not.toContain(carrying.slice(index, index + 8));
            }
        },
    );

    it('masks the signing key however the receiver spells it: base64 with or without padding, base64url, hex', async () => {
        const key = Buffer.from('a signing key with +/ in base64!!', 'utf8');
        world.host.settings.set('webhook_signing_secret', `whsec_${key.toString('base64')}`);
        const b64 = key.toString('base64');
        const spellings = [b64, b64.replace(/=+$/, ''), b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), key.toString('hex')];
        world.receiver.behave({ status: 500, body: spellings.join(' | '), contentType: 'text/plain' });
        const { report } = await delivery();
        expect(report.responseExcerpt).toBe('*** | *** | *** | ***');
    });

    it("masks the saved URL's query when the receiver echoes it, as a whole and by value", async () => {
        world.host.settings.set('webhook_url', `${world.receiver.url}?key=query-key-SECRET&v=2`);
        world.receiver.behave({ status: 404, body: 'Cannot POST /webhook?key=query-key-SECRET&v=2 (key query-key-SECRET)', contentType: 'text/plain' });
        const { report } = await delivery();
        expect(report.responseExcerpt).toBe('Cannot POST /webhook?*** (key ***)');
    });

    it('gives no delivery object to answers that stop before a payload exists', async () => {
        const unauthorized = await world.testAs(USERS.plain);
        expect(unauthorized.status).toBe(403);
        expect((unauthorized.content as any).delivery).toBeUndefined();
        const anonymous = await world.testAs(undefined);
        expect(anonymous.status).toBe(401);
        expect((anonymous.content as any).delivery).toBeUndefined();
    });
});

describe('a host name that looks like markdown', () => {
    it('shows as code in the reason, the hint and the reply, never as formatting', async () => {
        world.host.settings.set('webhook_url', 'http://*urgent*_x_~y~.localhost/hook');
        const answer = await world.testAs(USERS.admin);
        const content = answer.content as any;
        expect(content.reason).toContain('`*urgent*_x_~y~.localhost`');
        expect(content.delivery.hint).toContain('`*urgent*_x_~y~.localhost` is a loopback');
        await world.primePermissionTable();
        await world.host.runCommand('livechat-webhook-test', USERS.admin, []);
        const text = String(world.host.notifier.toUsers[0].message.text);
        expect(text.replace(/`[^`]*`/g, '')).not.toMatch(/\*urgent\*|_x_|~y~/);
    });
});
