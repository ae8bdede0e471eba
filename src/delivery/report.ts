// What Rocket.Chat's real deliveries would do with the receiver's answer, by the rules of the
// workspace's version (rules.ts): only a 200 counts; what the rules retry is 'retried', the rest
// 'dropped'. Pure functions, no I/O.
import { DeliveryResult } from './delivery';
import { code } from '../util/markdown';
import { cat, t, Text } from '../i18n/text';
import { isReceiverFailure, Rules, RULES, RulesChoice, retriesAfter } from './rules';
import type { EventType } from '../payloads/eventTypes';

export const HOST_RETRY_FACTOR = 4;

/**
 * `not-sent`: Rocket.Chat would not send anything at all (no webhook URL).
 * `refused`: the network policy (this app's, or the host's SSRF check) refused the URL; nothing was sent.
 */
export const VERDICTS = ['delivered', 'retried', 'dropped', 'not-sent', 'refused'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type ErrorKind = 'status' | 'timeout' | 'connection' | 'invalid-url' | 'url-not-set' | 'ssrf' | 'redirect-loop' | 'invalid-setting';

export interface DeliveryReport {
    id: string;
    event: EventType;
    /** Redacted: no user-info, no query string. */
    url?: string;
    sentAt?: string;
    durationMs?: number;
    status?: number;
    responseExcerpt?: string;
    responseContentType?: string;
    errorKind?: ErrorKind;
    verdict: Verdict;
    hint: Text;
    /**
     * Where the payload came from: the built-in sample, a room, the health watch (a sample), a receiver
     * check (its steps' samples), or a backfill (a real event of the journal, rebuilt from its room).
     */
    source: DeliverySource;
    /** Set on a redelivery: the report whose payload was sent again. */
    redeliveryOf?: string;
    /** The Standard Webhooks `webhook-id`: this delivery's id, or the first delivery's for a redelivery. */
    webhookId: string;
    /** Whether the request carried a Standard Webhooks signature. */
    signed: boolean;
    /** The delivery rules the verdict follows (see rules.ts): the workspace's version, or delivery_rules. */
    rules?: Rules;
    /**
     * Whether the request carried the secret token or a signature. False when neither is set, and
     * for a URL that is not the saved webhook URL: secrets go only there.
     */
    secretsSent: boolean;
}

export type DeliverySource =
    | { kind: 'sample' }
    | { kind: 'room'; roomId: string }
    /** `scheduled`: the scheduler ran it, not a person's Test now (absent on records before 0.3.0). */
    | { kind: 'watch'; scheduled?: boolean }
    | { kind: 'check' }
    | { kind: 'backfill'; eventId: string; roomId: string };

/** The conversation a delivery's payload came from, if any. */
export function roomOfSource(source: DeliverySource): string | undefined {
    return source.kind === 'room' || source.kind === 'backfill' ? source.roomId : undefined;
}

export interface Judgement {
    verdict: Verdict;
    errorKind?: ErrorKind;
    hint: Text;
}

/** What the request carried to prove where it came from; `withheld`: the URL is not the saved one, so neither was sent. */
export interface SentCredentials {
    token: boolean;
    signature: boolean;
    withheld: boolean;
}

const NO_CREDENTIALS: SentCredentials = { token: false, signature: false, withheld: false };

/** The newest rules, decided by version: what the judgement assumes when told nothing else. */
const CURRENT: RulesChoice = { rules: 'current', basis: 'setting' };

/** The timeout Rocket.Chat's retries are spaced by (4 × it), and whose setting it is. */
export interface RetryTimeout {
    ms: number;
    from: 'workspace' | 'app';
}

export function judgeDelivery(
    result: DeliveryResult,
    timeoutMs: number,
    sent: SentCredentials = NO_CREDENTIALS,
    choice: RulesChoice = CURRENT,
    retry?: RetryTimeout,
): Judgement {
    const judgement = judgeWith(result, timeoutMs, sent, choice.rules, retry);
    // An assumed rule set says so, and what the other one would do.
    return choice.basis === 'assumed' && judgement.verdict !== 'delivered' && judgement.verdict !== 'refused'
        ? { ...judgement, hint: cat([judgement.hint, t('report.assumedRules', { note: choice.note || '' })], ' ') }
        : judgement;
}

function judgeWith(result: DeliveryResult, timeoutMs: number, sent: SentCredentials, rules: Rules, retry?: RetryTimeout): Judgement {
    const retries = retriesText(rules, timeoutMs, retry);
    switch (result.kind) {
        case 'timeout':
            return { verdict: 'retried', errorKind: 'timeout', hint: t('report.timeout', { ms: timeoutMs, retries }) };
        case 'network-error':
            return { verdict: 'retried', errorKind: 'connection', hint: t('report.networkError', { retries }) };
        case 'host-refused':
            return judgeRefusal(hostRefusalReason(result.name));
        case 'too-many-redirects':
            return { verdict: 'retried', errorKind: 'redirect-loop', hint: t('report.redirectLoop', { retries }) };
        case 'response':
            return judgeStatus(result.status, rules, retries, sent, result.excerpt);
    }
}

/** "N more attempts, X ms apart", as the rules and the timeout that spaces them say. */
function retriesText(rules: Rules, timeoutMs: number, retry?: RetryTimeout): Text {
    const spacing = retry
        ? t(retry.from === 'workspace' ? 'report.spacingWorkspace' : 'report.spacingApp', { ms: HOST_RETRY_FACTOR * retry.ms })
        : t('report.spacing', { ms: HOST_RETRY_FACTOR * timeoutMs });
    return t('report.retries', { more: RULES[rules].attempts - 1, spacing });
}

/**
 * The host's SSRF check refuses private addresses, names that resolve to one, and names that do not
 * resolve at all, with one and the same error; a name gets both explanations.
 */
export function hostRefusalReason(name?: string): Text {
    return name ? t('report.hostRefusedName', { host: code(name) }) : t('report.hostRefused');
}

export function judgeRefusal(reason: Text): Judgement {
    // Stricter than Rocket.Chat on purpose: its own deliveries may not apply an SSRF check at all.
    return { verdict: 'refused', errorKind: 'ssrf', hint: t('report.refused', { reason }) };
}

/** What is wrong with a status that is not 200 (nor retried), without what Rocket.Chat does about it. */
function statusProblem(status: number, sent: SentCredentials, answer: string): Text {
    if (status >= 200 && status < 400) {
        return t('report.not200', { status });
    }
    if (status === 401 || status === 403) {
        return t('report.refusedStatus', { status, advice: refusalAdvice(sent, answer) });
    }
    if (status === 404 || status === 405) {
        return t('report.noHandler', { status });
    }
    return t('report.rejected', { status });
}

function judgeStatus(status: number, rules: Rules, retries: Text, sent: SentCredentials, answer: string): Judgement {
    if (status === 200) {
        return { verdict: 'delivered', hint: t('report.delivered') };
    }
    if (retriesAfter(rules, { kind: 'response', status })) {
        const hint =
            status === 429
                ? t('report.rateLimited', { status, retries })
                : isReceiverFailure(status)
                  ? t('report.failedStatus', { status, retries })
                  : // Before PR #36793 every answer but 200 was retried: a 204 or a 400 comes back 9 more times.
                    t('report.legacyRetried', { why: statusProblem(status, sent, answer), retries });
        return { verdict: 'retried', errorKind: 'status', hint };
    }
    if (status >= 200 && status < 400) {
        // Redirects with a Location are followed by the host; a 3xx that reaches here is an answer of its own.
        return { verdict: 'dropped', errorKind: 'status', hint: t('report.droppedNot200', { status }) };
    }
    return { verdict: 'dropped', errorKind: 'status', hint: t('report.dropped', { why: statusProblem(status, sent, answer) }) };
}

/** What a 401/403 most likely means, given what the request carried and what the receiver said. */
function refusalAdvice(sent: SentCredentials, answer: string): Text {
    if (sent.withheld) {
        return t('report.adviceWithheld');
    }
    const names = { signature: /signature|hmac|webhook-(id|timestamp)/i.test(answer), token: /token/i.test(answer) };
    if (sent.token && sent.signature) {
        if (names.signature && !names.token) {
            return t('report.adviceNamesSignature');
        }
        if (names.token && !names.signature) {
            return t('report.adviceNamesToken');
        }
        return t('report.adviceEither');
    }
    if (sent.signature) {
        return t('report.adviceSignature');
    }
    if (sent.token) {
        return t('report.adviceToken');
    }
    return t('report.adviceNoCredentials');
}

/** Rocket.Chat tries a URL it cannot use as often as any failing delivery. */
export function judgeInvalidUrl(reason: Text, rules: Rules): Judgement {
    return { verdict: 'retried', errorKind: 'invalid-url', hint: t('report.invalidUrl', { reason, attempts: RULES[rules].attempts }) };
}

export function judgeUrlNotSet(): Judgement {
    return { verdict: 'not-sent', errorKind: 'url-not-set', hint: t('report.urlNotSet') };
}
