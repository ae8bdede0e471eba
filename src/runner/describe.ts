// How a delivery's result becomes the answer's fields and its report. Pure.
import { Buffer } from 'buffer';
import { randomBytes } from 'crypto';

import { SettingId } from '../settings/settings';
import { DeliveryResult } from '../webhook/delivery';
import { DeliveryReport, judgeDelivery, Judgement } from '../webhook/report';
import { redactUrl } from '../webhook/url';
import { failure, TestOutcome } from './answers';

const MAX_REASON_LENGTH = 300;

export type ReportFields = Omit<DeliveryReport, 'verdict' | 'hint' | 'errorKind'>;

export function report(fields: ReportFields, judgement: Judgement): DeliveryReport {
    return { ...fields, verdict: judgement.verdict, ...(judgement.errorKind && { errorKind: judgement.errorKind }), hint: judgement.hint };
}

/** The answer for a request that was sent: the foundation's fields plus the report. */
export function describeResult(result: DeliveryResult, fields: ReportFields, timeoutMs: number, token: string): TestOutcome {
    const delivery = report(
        {
            ...fields,
            sentAt: result.sentAt.toISOString(),
            durationMs: result.durationMs,
            ...(result.kind === 'response' && {
                status: result.status,
                // A receiver that echoes its request would echo the token.
                responseExcerpt: hideToken(result.excerpt, token),
                ...(result.contentType && { responseContentType: hideToken(result.contentType, token).slice(0, 200) }),
            }),
        },
        judgeDelivery(result, timeoutMs),
    );
    return { ...summarize(result, timeoutMs, token), delivery };
}

function summarize(result: DeliveryResult, timeoutMs: number, token: string): TestOutcome {
    const { durationMs } = result;
    if (result.kind === 'response' && result.status === 200) {
        return { success: true, httpStatus: 200, reason: `The receiver answered 200 in ${durationMs} ms.`, receiverStatus: 200, durationMs };
    }
    const invalid = (reason: string): TestOutcome => ({ ...failure(400, 'error-invalid-webhook-response', reason), durationMs });
    switch (result.kind) {
        case 'response':
            return { ...invalid(`The receiver answered ${result.status}; Rocket.Chat counts only 200 as delivered.`), receiverStatus: result.status };
        case 'timeout':
            return invalid(`The receiver did not answer within ${timeoutMs} ms (${SettingId.TimeoutMs}).`);
        case 'network-error':
            return invalid(`Could not reach the receiver: ${scrub(result.message, token)}.`);
        case 'too-many-redirects':
            return invalid('The receiver redirected more than 5 times.');
        case 'host-refused':
            return { ...failure(400, 'error-ssrf-validation-failed', 'The workspace\'s SSRF check refused the URL or one of its redirects; nothing was delivered.'), durationMs };
    }
}

/** Text from the host's HTTP layer may quote URLs or the token: keep both out. */
export function scrub(message: string, token: string): string {
    const text = hideToken(message.replace(/https?:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url)), token).replace(/[.\s]+$/, '');
    return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}

function hideToken(text: string, token: string): string {
    return token ? text.split(token).join('***') : text;
}

const ID_BYTES = 6;
let idPool = Buffer.alloc(0);

/** `dlv_` and 12 random hex digits; random bytes are drawn 1 KiB at a time (one call each is slow). */
export function newDeliveryId(): string {
    if (idPool.length < ID_BYTES) {
        idPool = randomBytes(1024);
    }
    const id = idPool.subarray(0, ID_BYTES).toString('hex');
    idPool = idPool.subarray(ID_BYTES);
    return `dlv_${id}`;
}
