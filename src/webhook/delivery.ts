import { IHttp } from '@rocket.chat/apps-engine/definition/accessors';

import { DEADLINE_GRACE_MS, DEADLINE_PASSED, withDeadline } from '../util/deadline';

export const TOKEN_HEADER = 'X-RocketChat-Livechat-Token';

export interface DeliveryRequest {
    url: string;
    body: string;
    secretToken: string;
    timeoutMs: number;
}

export type DeliveryResult =
    | { kind: 'response'; status: number; durationMs: number }
    | { kind: 'timeout'; durationMs: number }
    | { kind: 'network-error'; message: string; durationMs: number };

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

/** One POST through the engine's IHttp, never retried; resolves for every outcome, never rejects. */
export async function deliverTest(http: IHttp, request: DeliveryRequest): Promise<DeliveryResult> {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    try {
        const sent = http.post(request.url, {
            content: request.body,
            headers: buildDeliveryHeaders(request.secretToken),
            timeout: request.timeoutMs,
        });
        const response = await withDeadline(sent, request.timeoutMs + DEADLINE_GRACE_MS);
        if (response === DEADLINE_PASSED) {
            return { kind: 'timeout', durationMs: elapsed() };
        }
        if (!response || typeof response.statusCode !== 'number') {
            // Older hosts resolve undefined instead of rejecting on network errors.
            return { kind: 'network-error', message: 'no response from the receiver', durationMs: elapsed() };
        }
        return { kind: 'response', status: response.statusCode, durationMs: elapsed() };
    } catch (error) {
        const durationMs = elapsed();
        const message = errorMessage(error);
        if (durationMs >= request.timeoutMs || /time(d)? ?out|abort/i.test(message)) {
            return { kind: 'timeout', durationMs };
        }
        return { kind: 'network-error', message, durationMs };
    }
}

function errorMessage(error: unknown): string {
    if (error instanceof Error) {
        return error.message;
    }
    return typeof error === 'string' ? error : 'request failed';
}
