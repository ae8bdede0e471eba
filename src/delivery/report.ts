// What Rocket.Chat's real deliveries would do with the receiver's answer (its sendRequest rules):
// only 200 counts; 5xx, 429, network errors and timeouts are retried up to 5 attempts in all,
// 4 × the timeout apart; every other status is dropped at once. Pure functions, no I/O.
import { DeliveryResult } from './delivery';
import { code } from '../util/markdown';
import { Rules, RULES, RulesChoice } from './rules';
import type { EventType } from '../payloads/eventTypes';

export const HOST_ATTEMPTS = 5;
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
    hint: string;
    /** Where the payload came from: the built-in sample, a room, the health watch (a sample), or a receiver check (its steps' samples). */
    source: { kind: 'sample' } | { kind: 'room'; roomId: string } | { kind: 'watch' } | { kind: 'check' };
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

export interface Judgement {
    verdict: Verdict;
    errorKind?: ErrorKind;
    hint: string;
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
        ? {
              ...judgement,
              hint: `${judgement.hint} (Assumed the current delivery rules: ${choice.note}; set delivery_rules to legacy if this server retries every answer but 200.)`,
          }
        : judgement;
}

function judgeWith(result: DeliveryResult, timeoutMs: number, sent: SentCredentials, rules: Rules, retry?: RetryTimeout): Judgement {
    const attempts = RULES[rules].attempts;
    const spacing = retry
        ? `${HOST_RETRY_FACTOR * retry.ms} ms (4 × ${retry.from === 'workspace' ? "the workspace's Livechat_http_timeout" : "the app's webhook_timeout_ms"}) apart`
        : `${HOST_RETRY_FACTOR * timeoutMs} ms (4 × the timeout) apart`;
    const retries = `Rocket.Chat would try ${attempts - 1} more times, ${spacing}, then give up`;
    switch (result.kind) {
        case 'timeout':
            return {
                verdict: 'retried',
                errorKind: 'timeout',
                hint: `No answer within ${timeoutMs} ms: ${retries}. Answer 200 first and do the slow work afterwards, or raise the timeout.`,
            };
        case 'network-error':
            return {
                verdict: 'retried',
                errorKind: 'connection',
                hint: `Could not connect: ${retries}. Check the host name, the port and that the receiver is running and reachable from the Rocket.Chat server.`,
            };
        case 'host-refused':
            return judgeRefusal(hostRefusalReason(result.name));
        case 'too-many-redirects':
            return {
                verdict: 'retried',
                errorKind: 'redirect-loop',
                hint: `The URL redirects more than 5 times (a loop?): ${retries}. Point the webhook URL at the final address.`,
            };
        case 'response':
            return rules === 'legacy' && result.status !== 200
                ? judgeLegacyStatus(result.status, retries, sent, result.excerpt)
                : judgeStatus(result.status, retries, sent, result.excerpt);
    }
}

/**
 * The host's SSRF check refuses private addresses, names that resolve to one, and names that do not
 * resolve at all, with one and the same error; a name gets both explanations.
 */
export function hostRefusalReason(name?: string): string {
    const allow = "add the host to the workspace's SSRF_Allowlist setting, and to the app's allowed_private_hosts, if it really is your receiver";
    if (!name) {
        return `the workspace's SSRF check refused the URL or one of its redirects; ${allow}`;
    }
    return (
        `the workspace's SSRF check refused ${code(name)} (or one of its redirects). Either the name does not resolve from the Rocket.Chat server ` +
        '(check its spelling and DNS: real deliveries would fail to reach it too), or it resolves to a private address: ' +
        allow
    );
}

export function judgeRefusal(reason: string): Judgement {
    // Stricter than Rocket.Chat on purpose: its own deliveries may not apply an SSRF check at all.
    return {
        verdict: 'refused',
        errorKind: 'ssrf',
        hint: `Nothing was sent: ${reason}. (This app's network policy is stricter than Rocket.Chat's deliveries on purpose.)`,
    };
}

/** Before PR #36793 every answer but 200 was retried: a 204 or a 400 comes back 9 more times. */
function judgeLegacyStatus(status: number, retries: string, sent: SentCredentials, answer: string): Judgement {
    const current = judgeStatus(status, retries, sent, answer);
    if (current.verdict === 'retried') {
        return current;
    }
    const why = current.hint.replace(/ Rocket\.Chat drops anything else and never retries\.$/, '').replace(/[.:\s]+$/, '');
    return {
        verdict: 'retried',
        errorKind: 'status',
        hint: `${why}. This server retries every answer but 200: ${retries}, so the receiver may get it again and again.`,
    };
}

function judgeStatus(status: number, retries: string, sent: SentCredentials, answer: string): Judgement {
    if (status === 200) {
        return { verdict: 'delivered', hint: 'Nothing to change: Rocket.Chat counts a 200 as delivered.' };
    }
    if (status >= 500 || status === 429) {
        const why = status === 429 ? 'The receiver is rate-limiting (429)' : `The receiver failed with ${status}`;
        return { verdict: 'retried', errorKind: 'status', hint: `${why}: ${retries}. Fix the receiver so it answers 200.` };
    }
    const drop = 'Rocket.Chat drops anything else and never retries';
    if (status >= 200 && status < 400) {
        // Redirects with a Location are followed by the host; a 3xx that reaches here is an answer of its own.
        return { verdict: 'dropped', errorKind: 'status', hint: `Answer 200, not ${status}: ${drop}.` };
    }
    if (status === 401 || status === 403) {
        return { verdict: 'dropped', errorKind: 'status', hint: `The receiver refused the delivery (${status}): ${refusalAdvice(sent, answer)} ${drop}.` };
    }
    if (status === 404 || status === 405) {
        return { verdict: 'dropped', errorKind: 'status', hint: `The receiver has no POST handler at this path (${status}): check the URL's path. ${drop}.` };
    }
    return { verdict: 'dropped', errorKind: 'status', hint: `The receiver rejected the delivery with ${status}; its response body may say why. ${drop}.` };
}

const TOKEN_ADVICE = 'make its secret token match the app\'s "Secret token" setting (header X-RocketChat-Livechat-Token).';
const SIGNATURE_ADVICE = 'make the secret it verifies signatures with match the app\'s "Signing secret" setting (Standard Webhooks headers).';

/** What a 401/403 most likely means, given what the request carried and what the receiver said. */
function refusalAdvice(sent: SentCredentials, answer: string): string {
    if (sent.withheld) {
        return 'it may expect the secret token or a signature, which this test did not carry because secrets go only to the saved webhook URL; save this URL (or test the saved one) to send them.';
    }
    const names = { signature: /signature|hmac|webhook-(id|timestamp)/i.test(answer), token: /token/i.test(answer) };
    if (sent.token && sent.signature) {
        if (names.signature && !names.token) {
            return `its answer names the signature: ${SIGNATURE_ADVICE}`;
        }
        if (names.token && !names.signature) {
            return `its answer names the token: ${TOKEN_ADVICE}`;
        }
        return `either the secret token or the signature does not match what it expects (its answer does not say which): ${TOKEN_ADVICE.replace(/\.$/, '')}, and ${SIGNATURE_ADVICE}`;
    }
    if (sent.signature) {
        return SIGNATURE_ADVICE;
    }
    if (sent.token) {
        return TOKEN_ADVICE;
    }
    return 'the request carried no credentials; if the receiver expects a secret token, set the app\'s "Secret token" setting (header X-RocketChat-Livechat-Token).';
}

export function judgeInvalidUrl(reason: string): Judgement {
    return {
        verdict: 'retried',
        errorKind: 'invalid-url',
        hint: `Fix the webhook URL (${reason}): Rocket.Chat would try ${HOST_ATTEMPTS} times and fail every time.`,
    };
}

export function judgeUrlNotSet(): Judgement {
    return {
        verdict: 'not-sent',
        errorKind: 'url-not-set',
        hint: 'Set a webhook URL (the app\'s "Webhook URL" setting or the workspace\'s Omnichannel Webhook URL): without one Rocket.Chat sends nothing.',
    };
}

/** "host:port" of a URL, for short displays; never the user-info, path or query. */
export function urlHost(url: string | undefined): string | undefined {
    if (!url) {
        return undefined;
    }
    try {
        return new URL(url).host;
    } catch {
        return undefined;
    }
}
