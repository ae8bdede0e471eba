import { Buffer } from 'buffer';

import { IHttp } from '@rocket.chat/apps-engine/definition/accessors';

import { DEADLINE_GRACE_MS, DEADLINE_PASSED, withDeadline } from '../util/deadline';
import { parseIp } from '../network/ip';
import { bodyBytes, bodyText } from '../util/bodyText';
import { MASK, maskedExcerpt, maskSecrets } from './secrets';
import { buildSignatureHeaders } from './signature';

export const TOKEN_HEADER = 'X-RocketChat-Livechat-Token';

export interface DeliveryRequest {
    url: string;
    /** Sent as is: the exact bytes the signature covers. */
    body: string;
    secretToken: string;
    timeoutMs: number;
    /**
     * Standard Webhooks signing: the key and the message id (the same for every redelivery);
     * `shiftSeconds` moves the signed timestamp (the receiver check's replay probe).
     */
    signing?: { key: Buffer; webhookId: string; shiftSeconds?: number };
    /** What the excerpt of the answer must not show (see secrets.ts's secretForms). */
    maskForms: Array<string>;
}

/** How much of the receiver's answer a report keeps. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/**
 * How much of the body is decoded to make the excerpt: masking shortens the text (a secret of at
 * least 8 characters becomes "***"), so this is far more than the excerpt can need.
 */
const EXCERPT_SOURCE_BYTES = 64 * 1024;

/**
 * At most this many response headers are kept, each value cut at MAX_HEADER_VALUE characters, and
 * at most MAX_HEADER_BYTES in all: a delivery's detail then stays in its one record (history/), so
 * a receiver that answers with many long headers costs no second write.
 */
export const MAX_RESPONSE_HEADERS = 50;
export const MAX_HEADER_VALUE = 256;
export const MAX_HEADER_BYTES = 4 * 1024;

/** `requestHeaders`: the headers sent, the token's and the signature's values masked. */
export type DeliveryResult = { sentAt: Date; durationMs: number; requestHeaders: { [name: string]: string } } &
    /** `headers`: the receiver's, at most MAX_RESPONSE_HEADERS, values cut and secrets masked. */
    (
        | { kind: 'response'; status: number; contentType?: string; excerpt: string; headers: { [name: string]: string }; bodyBytes: number }
        | { kind: 'timeout' }
        | { kind: 'network-error'; message: string }
        /**
         * The host's SSRF check refused the URL or a redirect's target. `name`: the URL's host, when it
         * is a name: the check also refuses a name that does not resolve, and says nothing of which.
         */
        | { kind: 'host-refused'; name?: string }
        | { kind: 'too-many-redirects' }
    );

/** The messages Rocket.Chat's server-fetch throws for these two refusals. */
const HOST_SSRF_REFUSAL = 'error-ssrf-validation-failed';
const HOST_TOO_MANY_REDIRECTS = 'error-too-many-redirects';

/** Headers as Rocket.Chat's real deliveries send them: the token only when one is set. */
export function buildDeliveryHeaders(secretToken: string): { [name: string]: string } {
    const headers: { [name: string]: string } = {
        'Content-Type': 'application/json',
        'Accept': 'application/json',
    };
    if (secretToken) {
        headers[TOKEN_HEADER] = secretToken;
    }
    return headers;
}

/**
 * One POST through the engine's IHttp, never retried; resolves for every outcome, never rejects.
 * It asks the host to apply its SSRF check (on the URL and on every redirect), as real deliveries
 * may, and gives up at the timeout even when the host keeps reading a slow body.
 */
export async function deliverTest(http: IHttp, request: DeliveryRequest): Promise<DeliveryResult> {
    const sentAt = new Date();
    const started = Date.now();
    const headers = buildDeliveryHeaders(request.secretToken);
    if (request.signing) {
        const signedAt = new Date(sentAt.getTime() + (request.signing.shiftSeconds || 0) * 1000);
        Object.assign(headers, buildSignatureHeaders(request.signing.key, request.signing.webhookId, signedAt, request.body));
    }
    const requestHeaders = maskedRequestHeaders(headers);
    const timing = () => ({ sentAt, durationMs: Date.now() - started, requestHeaders });
    try {
        const sent = http.post(request.url, {
            content: request.body,
            headers,
            timeout: request.timeoutMs,
            ssrfValidation: true,
            // Raw bytes, parsed by no one: see util/bodyText.ts.
            encoding: null,
        });
        const response = await withDeadline(sent, request.timeoutMs + DEADLINE_GRACE_MS);
        if (response === DEADLINE_PASSED) {
            return { kind: 'timeout', ...timing() };
        }
        if (!response || typeof response.statusCode !== 'number') {
            // Older hosts resolve undefined instead of rejecting on network errors.
            return { kind: 'network-error', message: 'no response from the receiver', ...timing() };
        }
        return {
            kind: 'response',
            status: response.statusCode,
            contentType: headerValue(response.headers, 'content-type'),
            excerpt: excerptOf(bodyText(response.content, EXCERPT_SOURCE_BYTES), request.maskForms, bodyBytes(response.content) > EXCERPT_SOURCE_BYTES),
            headers: keptResponseHeaders(response.headers, request.maskForms),
            bodyBytes: bodyBytes(response.content),
            ...timing(),
        };
    } catch (error) {
        const time = timing();
        const message = errorMessage(error);
        if (message.includes(HOST_SSRF_REFUSAL)) {
            return { kind: 'host-refused', ...hostName(request.url), ...time };
        }
        if (message.includes(HOST_TOO_MANY_REDIRECTS)) {
            return { kind: 'too-many-redirects', ...time };
        }
        // A socket closed mid-answer is "aborted"; a request cancelled at the timeout is "the user aborted" (node-fetch) or a timeout.
        if (time.durationMs >= request.timeoutMs || /time(d)? ?out|user aborted|operation was aborted|signal/i.test(message)) {
            return { kind: 'timeout', ...time };
        }
        return { kind: 'network-error', message, ...time };
    }
}

/** The first KiB of the body as text, secrets masked. */
export function excerptOf(content: unknown, maskForms: Array<string> = [], truncated = false): string {
    return typeof content === 'string' ? maskedExcerpt(content, RESPONSE_EXCERPT_BYTES, maskForms, truncated) : '';
}

/** The headers as sent, for the history: the token's and the signature's values never kept. */
export function maskedRequestHeaders(headers: { [name: string]: string }): { [name: string]: string } {
    const masked: { [name: string]: string } = {};
    for (const [name, value] of Object.entries(headers)) {
        masked[name] = /^(x-rocketchat-livechat-token|webhook-signature)$/i.test(name) ? MASK : value;
    }
    return masked;
}

export function keptResponseHeaders(headers: unknown, maskForms: Array<string>): { [name: string]: string } {
    const kept: { [name: string]: string } = {};
    if (!headers || typeof headers !== 'object') {
        return kept;
    }
    let bytes = 0;
    for (const [name, value] of Object.entries(headers as { [name: string]: unknown }).slice(0, MAX_RESPONSE_HEADERS)) {
        const text = Array.isArray(value) ? value.join(', ') : String(value);
        const keptName = maskSecrets(name, maskForms).slice(0, MAX_HEADER_VALUE);
        const keptValue = maskSecrets(text, maskForms).slice(0, MAX_HEADER_VALUE);
        bytes += keptName.length + keptValue.length + 6;
        if (bytes > MAX_HEADER_BYTES) {
            break;
        }
        kept[keptName] = keptValue;
    }
    return kept;
}

function hostName(url: string): { name?: string } {
    try {
        const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
        return parseIp(host) ? {} : { name: host };
    } catch {
        return {};
    }
}

function headerValue(headers: { [name: string]: string } | undefined, name: string): string | undefined {
    if (!headers || typeof headers !== 'object') {
        return undefined;
    }
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    const value = key === undefined ? undefined : headers[key];
    return typeof value === 'string' && value ? value : undefined;
}

function errorMessage(error: unknown): string {
    if (error instanceof Error) {
        return error.message;
    }
    return typeof error === 'string' ? error : 'request failed';
}
