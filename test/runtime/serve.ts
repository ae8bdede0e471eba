// The app's public endpoints over HTTP as Rocket.Chat serves them (apps/meteor/app/apps/server/bridges/
// router.ts and api.ts): body-parser (urlencoded, then json, each with its defaults: 100 kB, utf-8)
// before anything else, so a malformed JSON body gets Express's own 400 page (a larger one 413, another
// charset 415) before the app or authentication runs; `res.sendStatus(404)` for an unknown app or path;
// the authentication middleware's `res.status(401).send('Unauthorized')` without a valid
// X-User-Id/X-Auth-Token; then the app's answer as Express sends it (`res.set(headers).status(status).send(content)`).
import * as http from 'http';
import { AddressInfo } from 'net';

import { AUTH_TOKENS, USERS } from '../host/world';
import { RuntimeHost } from './runtimeHost';

/** Express's final handler's page for an error status in production (NODE_ENV=production, as Rocket.Chat's image runs). */
export function expressErrorPage(status: number): string {
    return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${http.STATUS_CODES[status]}</pre>\n</body>\n</html>\n`;
}

export const EXPRESS_BAD_REQUEST = expressErrorPage(400);

/** body-parser's default limit for json() and urlencoded(). */
export const BODY_LIMIT_BYTES = 100 * 1024;

export interface Served {
    server: http.Server;
    port: number;
    /** `http://127.0.0.1:<port>/api/apps/public/<app id>` */
    base: string;
    close(): Promise<void>;
}

/** `port` 0: any free port. `extra` answers paths of this host's own (e.g. /_host/app-settings) before Rocket.Chat's routes. */
export async function serveApp(
    host: RuntimeHost,
    port: number,
    extra?: (method: string, path: string, body: string) => Promise<{ status: number; body: unknown } | undefined>,
): Promise<Served> {
    const prefix = `/api/apps/public/${host.appId}/`;
    const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', async () => {
            const bytes = Buffer.concat(chunks);
            const raw = bytes.toString('utf8');
            const url = new URL(req.url || '/', 'http://127.0.0.1');
            const method = (req.method || 'GET').toLowerCase();
            const sendJson = (status: number, body: unknown) => {
                res.writeHead(status, { 'Content-Type': 'application/json' });
                res.end(JSON.stringify(body));
            };
            const own = extra ? await extra(method, url.pathname, raw) : undefined;
            if (own) {
                return sendJson(own.status, own.body);
            }
            if (!url.pathname.startsWith('/api/apps/public/')) {
                return sendStatus(res, 404);
            }
            const body = parseBody(req.headers['content-type'], raw, bytes.length);
            if (typeof body === 'number') {
                res.writeHead(body, {
                    'Content-Type': 'text/html; charset=utf-8',
                    'Content-Security-Policy': "default-src 'none'",
                    'X-Content-Type-Options': 'nosniff',
                });
                return res.end(expressErrorPage(body));
            }
            if (!url.pathname.startsWith(prefix)) {
                return sendStatus(res, 404);
            }
            const userId = String(req.headers['x-user-id'] || '');
            const user = Object.values(USERS).find((candidate) => candidate.id === userId && AUTH_TOKENS[userId] === req.headers['x-auth-token']);
            if (!user) {
                res.writeHead(401, { 'Content-Type': 'text/html; charset=utf-8' });
                return res.end('Unauthorized');
            }
            try {
                const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
                const result = await host.api(method as 'get' | 'post' | 'put' | 'delete', url.pathname.slice(prefix.length), {
                    user,
                    headers,
                    content: body,
                    query: Object.fromEntries(url.searchParams),
                });
                // Express's res.send: a string goes as it is (text/html unless the app set a type), anything else as JSON.
                const given = result.headers || {};
                const typed = Object.keys(given).some((name) => name.toLowerCase() === 'content-type');
                const text = typeof result.content === 'string';
                res.writeHead(result.status, {
                    ...(typed ? {} : { 'Content-Type': text ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8' }),
                    ...given,
                });
                res.end(text ? result.content : result.content === undefined ? '' : JSON.stringify(result.content));
            } catch (error) {
                res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
                res.end(error instanceof Error ? error.message : 'error');
            }
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });
    const bound = (server.address() as AddressInfo).port;
    return {
        server,
        port: bound,
        base: `http://127.0.0.1:${bound}/api/apps/public/${host.appId}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

/** What body-parser leaves in req.body, or the status Express answers when a parser refuses the body. */
function parseBody(contentType: string | undefined, raw: string, size: number): unknown {
    const [media, ...parameters] = (contentType || '').split(';').map((part) => part.trim().toLowerCase());
    const parsed = media === 'application/json' || media === 'application/x-www-form-urlencoded';
    if (!parsed || !raw) {
        return {};
    }
    const charset = parameters.find((parameter) => parameter.startsWith('charset='));
    if (charset && !/^charset="?utf-8"?$/.test(charset)) {
        return 415;
    }
    if (size > BODY_LIMIT_BYTES) {
        return 413;
    }
    if (media === 'application/json') {
        // body-parser's strict mode: only an object or an array at the top.
        const first = raw.trimStart()[0];
        if (first !== '{' && first !== '[') {
            return 400;
        }
        try {
            return JSON.parse(raw);
        } catch {
            return 400;
        }
    }
    return Object.fromEntries(new URLSearchParams(raw));
}

function sendStatus(res: http.ServerResponse, status: number): void {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(http.STATUS_CODES[status] || String(status));
}

/** One plain HTTP request, as curl sends it (the test's own client: no retries, no redirects). */
export function httpRequest(
    url: string,
    init: { method?: string; headers?: { [name: string]: string }; body?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    return new Promise((resolve, reject) => {
        const request = http.request(url, { method: init.method || 'GET', headers: init.headers }, (response) => {
            const chunks: Array<Buffer> = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode || 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        });
        request.on('error', reject);
        request.end(init.body);
    });
}
