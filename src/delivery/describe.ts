// How a delivery's result becomes the answer's fields and its report. Pure.

import { SettingId } from '../settings/settings';
import { DeliveryResult } from './delivery';
import { DeliveryReport, judgeDelivery, Judgement, RetryTimeout, SentCredentials } from './report';
import { RulesChoice } from './rules';
import { maskSecrets } from './secrets';
import { redactUrl } from '../network/url';
import { code } from '../util/markdown';
import { randomHex } from '../util/random';
import { failure, TestOutcome } from '../gate/answers';
import { SECRETS_WITHHELD_HINT } from './target';
import { cat, t, Text } from '../i18n/text';

const MAX_REASON_LENGTH = 300;

export type ReportFields = Omit<DeliveryReport, 'verdict' | 'hint' | 'errorKind'>;

export function report(fields: ReportFields, judgement: Judgement): DeliveryReport {
    return { ...fields, verdict: judgement.verdict, ...(judgement.errorKind && { errorKind: judgement.errorKind }), hint: judgement.hint };
}

/**
 * The answer for a request that was sent: the foundation's fields plus the report. `secrets`: the
 * masking forms (secretForms) of what must never be shown, even when the receiver echoes it.
 */
export function describeResult(
    result: DeliveryResult,
    fields: ReportFields,
    timeoutMs: number,
    secrets: Array<string>,
    sent: SentCredentials,
    rules?: RulesChoice,
    retry?: RetryTimeout,
): TestOutcome {
    const delivery = report(
        {
            ...fields,
            sentAt: result.sentAt.toISOString(),
            durationMs: result.durationMs,
            ...(result.kind === 'response' && {
                status: result.status,
                // A receiver that echoes its request, or its own configuration, would echo the secrets.
                responseExcerpt: result.excerpt,
                ...(result.contentType && { responseContentType: maskSecrets(result.contentType, secrets).slice(0, 200) }),
            }),
        },
        withheldNote(judgeDelivery(result, timeoutMs, sent, rules, retry), sent),
    );
    return { ...summarize(result, timeoutMs, secrets), delivery };
}

function withheldNote(judgement: Judgement, sent: SentCredentials): Judgement {
    return sent.withheld ? { ...judgement, hint: cat([judgement.hint, SECRETS_WITHHELD_HINT], ' ') } : judgement;
}

function summarize(result: DeliveryResult, timeoutMs: number, secrets: Array<string>): TestOutcome {
    const { durationMs } = result;
    if (result.kind === 'response' && result.status === 200) {
        return { success: true, httpStatus: 200, reason: t('outcome.answered200', { ms: durationMs }), receiverStatus: 200, durationMs };
    }
    const invalid = (reason: Text): TestOutcome => ({ ...failure(400, 'error-invalid-webhook-response', reason), durationMs });
    switch (result.kind) {
        case 'response':
            return { ...invalid(t('outcome.answeredStatus', { status: result.status })), receiverStatus: result.status };
        case 'timeout':
            return invalid(t('outcome.timeout', { ms: timeoutMs, setting: SettingId.TimeoutMs }));
        case 'network-error':
            // The host's words may carry the receiver's (a host name, a reason): inert, in a code span.
            return invalid(t('outcome.unreachable', { message: code(scrub(result.message, secrets)) }));
        case 'too-many-redirects':
            return invalid(t('outcome.redirects'));
        case 'host-refused':
            return {
                ...failure(400, 'error-ssrf-validation-failed', result.name ? t('outcome.ssrfName', { host: result.name }) : t('outcome.ssrf')),
                durationMs,
            };
    }
}

/** Text from the host's HTTP layer may quote URLs or secrets: keep both out. */
export function scrub(message: string, secrets: Array<string>): string {
    const text = maskSecrets(
        message.replace(/https?:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url)),
        secrets,
    ).replace(/[.\s]+$/, '');
    return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}

/** `dlv_` and 12 random hex digits. */
export function newDeliveryId(): string {
    return `dlv_${randomHex(6)}`;
}
