import * as http from 'http';
import * as https from 'https';

import { IHttp, IHttpRequest, IHttpResponse, RequestMethod } from '@rocket.chat/apps-engine/definition/accessors';

/** Rocket.Chat's HTTP bridge waits 3 minutes when the app gives no timeout. */
const HOST_DEFAULT_TIMEOUT_MS = 3 * 60 * 1000;
const JSON_TYPES = ['application/json', 'text/javascript', 'application/javascript', 'application/x-javascript'];

export interface SentRequest {
    method: RequestMethod;
    url: string;
    options: IHttpRequest;
}

/**
 * The engine's IHttp accessor as Rocket.Chat's HTTP bridge implements it, sending real requests with
 * Node's http module: `content` or `data` (as JSON) for the body, `params` into the query, the timeout
 * (3 minutes by default), 4xx/5xx as normal responses, `data` parsed only for JSON content types, and
 * network errors and timeouts rejected with messages shaped like the host's (which quote the URL).
 */
export class LoopbackHttp implements IHttp {
    public readonly sent: Array<SentRequest> = [];

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
        if (body !== undefined) {
            headers['Content-Length'] = String(Buffer.byteLength(body));
        }
        const timeout = options.timeout || HOST_DEFAULT_TIMEOUT_MS;
        const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
        if (!transport) {
            throw new TypeError(`Only absolute URLs are supported: ${rawUrl}`);
        }

        return new Promise<IHttpResponse>((resolve, reject) => {
            const request = transport.request(url, { method: method.toUpperCase(), headers }, (response) => {
                const chunks: Array<Buffer> = [];
                response.on('data', (chunk: Buffer) => chunks.push(chunk));
                response.on('error', (error) => fail(`request to ${rawUrl} failed, reason: ${error.message}`));
                response.on('end', () => {
                    if (settled) return;
                    settled = true;
                    clearTimeout(timer);
                    const content = Buffer.concat(chunks).toString(options.encoding === null ? undefined : (options.encoding as BufferEncoding) || 'utf8');
                    const contentType = String(response.headers['content-type'] || '').split(';')[0].trim();
                    let data: unknown = null;
                    if (JSON_TYPES.includes(contentType)) {
                        try {
                            data = JSON.parse(content);
                        } catch {
                            data = null;
                        }
                    }
                    resolve({
                        url: rawUrl,
                        method,
                        statusCode: response.statusCode || 0,
                        headers: flattenHeaders(response.headers),
                        content,
                        data,
                    });
                });
            });
            const timer = setTimeout(() => {
                request.destroy();
                fail(`network timeout at: ${rawUrl}`);
            }, timeout);
            let settled = false;
            function fail(message: string): void {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                reject(new Error(message));
            }
            request.on('error', (error) => fail(`request to ${rawUrl} failed, reason: ${error.message}`));
            if (body !== undefined) {
                request.write(body);
            }
            request.end();
        });
    }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): { [name: string]: string } {
    const flat: { [name: string]: string } = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined) {
            flat[name] = Array.isArray(value) ? value.join(', ') : value;
        }
    }
    return flat;
}
