import * as dns from 'dns';
import * as net from 'net';

import { IHttp, IHttpRequest, IHttpResponse, RequestMethod } from '@rocket.chat/apps-engine/definition/accessors';

/** Rocket.Chat's HTTP bridge waits 3 minutes when the app gives no timeout. */
const HOST_DEFAULT_TIMEOUT_MS = 3 * 60 * 1000;
const JSON_TYPES = ['application/json', 'text/javascript', 'application/javascript', 'application/x-javascript'];
/** server-fetch's redirect handling. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The ranges server-fetch's SSRF check refuses, in Node's own BlockList (independent of the app's
 * parser). One list per family: a BlockList holding ::ffff:0:0/96 would also match every IPv4.
 */
const BLOCKED_V4 = new net.BlockList();
const BLOCKED_V6 = new net.BlockList();
for (const range of [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.88.99.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/4',
    '240.0.0.0/4',
    '255.255.255.255/32',
    '100.100.100.200/32',
]) {
    const [address, prefix] = range.split('/');
    BLOCKED_V4.addSubnet(address, Number(prefix), 'ipv4');
}
for (const range of [
    '::/128',
    '::1/128',
    '::ffff:0:0/96',
    '3fff::/20',
    '5f00::/16',
    '64:ff9b::/96',
    '64:ff9b:1::/48',
    '100::/64',
    '2001::/32',
    '2001:20::/28',
    '2001:db8::/32',
    '2002::/16',
    'fc00::/7',
    'fe80::/10',
    'ff00::/8',
]) {
    const [address, prefix] = range.split('/');
    BLOCKED_V6.addSubnet(address, Number(prefix), 'ipv6');
}
const DOMAIN = /^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[A-Za-z]{2,63}$/;

export function isBlockedByHost(address: string): boolean {
    return net.isIPv6(address) ? BLOCKED_V6.check(address, 'ipv6') : BLOCKED_V4.check(address, 'ipv4');
}

export interface SentRequest {
    method: RequestMethod;
    url: string;
    options: IHttpRequest;
}

/**
 * The engine's IHttp accessor as Rocket.Chat's HTTP bridge (server-fetch) implements it, sending real
 * requests with Node's fetch: `content` or `data` (as JSON) for the body, `params` into the
 * query, 4xx/5xx as normal responses, `data` parsed only for JSON content types. Like server-fetch it
 * follows up to 5 redirects itself, applies its SSRF check to every hop when the app asks for
 * `ssrfValidation` (the workspace's SSRF_Allowlist is `ssrfAllowlist`), and its timeout (3 minutes by
 * default) ends once the response headers arrive: reading the body is not bounded. Failures reject
 * with messages shaped like the host's (which quote the URL).
 */
export class LoopbackHttp implements IHttp {
    public readonly sent: Array<SentRequest> = [];
    /** The workspace's SSRF_Allowlist: comma-separated host, host:port or CIDR entries. */
    public ssrfAllowlist = '';

    public get(url: string, options?: IHttpRequest): Promise<IHttpResponse> {
        return this.call(RequestMethod.GET, url, options);
    }

    public post(url: string, options?: IHttpRequest): Promise<IHttpResponse> {
        return this.call(RequestMethod.POST, url, options);
    }

    public put(url: string, options?: IHttpRequest): Promise<IHttpResponse> {
        return this.call(RequestMethod.PUT, url, options);
    }

    public del(url: string, options?: IHttpRequest): Promise<IHttpResponse> {
        return this.call(RequestMethod.DELETE, url, options);
    }

    public patch(url: string, options?: IHttpRequest): Promise<IHttpResponse> {
        return this.call(RequestMethod.PATCH, url, options);
    }

    private async call(method: RequestMethod, rawUrl: string, options: IHttpRequest = {}): Promise<IHttpResponse> {
        this.sent.push({ method, url: rawUrl, options });
        const url = new URL(rawUrl);
        const headers: { [name: string]: string } = { ...(options.headers || {}) };
        let body: string | undefined = options.content;
        if (body === undefined && options.data !== undefined && typeof options.data === 'object') {
            body = JSON.stringify(options.data);
            if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
                headers['Content-Type'] = 'application/json';
            }
        }
        for (const [key, value] of Object.entries(options.params || {})) {
            if (value) {
                url.searchParams.append(key, value);
            }
        }
        if (method === RequestMethod.GET || method === RequestMethod.HEAD) {
            body = undefined;
        }
        const timeout = options.timeout || HOST_DEFAULT_TIMEOUT_MS;
        const deadline = Date.now() + timeout;
        const timedOut = () => new Error(`network timeout at: ${rawUrl}`);

        let current = url;
        for (let redirects = 0; ; redirects++) {
            if (options.ssrfValidation === true && !(await this.passesSsrfCheck(current))) {
                throw new Error('error-ssrf-validation-failed');
            }
            const remaining = deadline - Date.now();
            if (remaining <= 0) {
                throw timedOut();
            }
            const response = await send(current, method, headers, body, remaining, rawUrl);
            if (!REDIRECT_STATUSES.has(response.status)) {
                return readResponse(response, rawUrl, method, options);
            }
            await response.body?.cancel().catch(() => undefined);
            const location = response.headers.get('location');
            if (!location) {
                throw new Error('redirect-response-location-header-missing');
            }
            if (redirects === MAX_REDIRECTS) {
                throw new Error('error-too-many-redirects');
            }
            current = new URL(location, current);
        }
    }

    /**
     * server-fetch's checkForSsrfWithIp: allow-listed hosts pass (names only if they resolve); IPs in
     * the ranges, names that resolve into them and names that do not resolve at all do not.
     */
    private async passesSsrfCheck(url: URL): Promise<boolean> {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
            return false;
        }
        const host = url.hostname.replace(/^\[|\]$/g, '');
        const port = url.port || (url.protocol === 'https:' ? '443' : '80');
        const allowed = this.ssrfAllowlist
            .split(',')
            .map((entry) => entry.trim())
            .filter(Boolean);
        const listed = allowed.some((entry) => entry === host || entry === `${host}:${port}` || inSubnet(host, entry));
        if (net.isIP(host)) {
            return listed || !isBlockedByHost(host);
        }
        if (!DOMAIN.test(host) || (!listed && /metadata\.google\.internal/i.test(host))) {
            return false;
        }
        // A name must resolve, allow-listed or not: a lookup that fails is a refusal, not a network error.
        try {
            const { address } = await dns.promises.lookup(host);
            return listed || !isBlockedByHost(address);
        } catch {
            return false;
        }
    }
}

function inSubnet(host: string, entry: string): boolean {
    const [address, prefix] = entry.split('/');
    if (prefix === undefined || !net.isIP(host) || !net.isIP(address)) {
        return false;
    }
    const list = new net.BlockList();
    const type = net.isIPv6(address) ? 'ipv6' : 'ipv4';
    list.addSubnet(address, Number(prefix), type);
    return list.check(host, net.isIPv6(host) ? 'ipv6' : 'ipv4');
}

/** The parts of Node's global fetch (undici) used here; @types/node 16 does not declare it. */
interface FetchResponse {
    status: number;
    headers: { get(name: string): string | null; forEach(callback: (value: string, name: string) => void): void };
    arrayBuffer(): Promise<ArrayBuffer>;
    body: { cancel(): Promise<void> } | null;
}
declare const fetch: (
    url: string,
    init: { method: string; headers: { [name: string]: string }; body?: string; redirect: 'manual'; signal: AbortSignal },
) => Promise<FetchResponse>;

/** Sends one request with Node's fetch; resolves once the headers are in (or rejects on error or timeout). */
async function send(
    url: URL,
    method: RequestMethod,
    headers: { [name: string]: string },
    body: string | undefined,
    timeoutMs: number,
    rawUrl: string,
): Promise<FetchResponse> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new TypeError(`Only absolute URLs are supported: ${rawUrl}`);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
        return await fetch(url.toString(), { method: method.toUpperCase(), headers, body, redirect: 'manual', signal: controller.signal });
    } catch (error) {
        if (controller.signal.aborted) {
            throw new Error(`network timeout at: ${rawUrl}`);
        }
        throw new Error(`request to ${rawUrl} failed, reason: ${reasonOf(error)}`);
    } finally {
        // As server-fetch: the timeout covers the answer's headers; reading the body is not bounded.
        clearTimeout(timer);
    }
}

/**
 * Reads the whole body, as the bridge does (no size limit, no timeout), into an IHttpResponse: with
 * `encoding: null` the bytes as a Buffer in `content` and no `data`; else the text, and `data` parsed
 * for JSON content types.
 */
async function readResponse(response: FetchResponse, rawUrl: string, method: RequestMethod, options: IHttpRequest): Promise<IHttpResponse> {
    let body: Buffer;
    try {
        body = Buffer.from(await response.arrayBuffer());
    } catch (error) {
        throw new Error(`request to ${rawUrl} failed, reason: ${reasonOf(error)}`);
    }
    const headers: { [name: string]: string } = {};
    response.headers.forEach((value, name) => {
        headers[name] = value;
    });
    if (options.encoding === null) {
        // The raw bytes, parsed by no one (Rocket.Chat's bridge sets no `data` then).
        return { url: rawUrl, method, statusCode: response.status, headers, content: body as unknown as string };
    }
    const content = body.toString((options.encoding as BufferEncoding) || 'utf8');
    const contentType = (response.headers.get('content-type') || '').split(';')[0].trim();
    let data: unknown = null;
    if (JSON_TYPES.includes(contentType)) {
        try {
            data = JSON.parse(content);
        } catch {
            data = null;
        }
    }
    return { url: rawUrl, method, statusCode: response.status, headers, content, data };
}

/** undici wraps the socket's error as the cause of "fetch failed" or "terminated". */
function reasonOf(error: unknown): string {
    const cause = error && typeof error === 'object' ? (error as { cause?: { code?: string; message?: string } }).cause : undefined;
    if (cause && (cause.message || cause.code)) {
        return String(cause.message || cause.code);
    }
    return error instanceof Error ? error.message : String(error);
}
