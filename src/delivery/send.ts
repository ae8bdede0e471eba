// One test, once the caller is allowed and the payload built: where it goes (and whether the
// secrets go with it), the network policy, the POST, the report, and its record in the history.
import { Buffer } from 'buffer';

import { deliverTest } from './delivery';
import type { Probe } from './probe';
import { judgeInvalidUrl, judgeRefusal, judgeUrlNotSet, RetryTimeout } from './report';
import { chooseRules, retriesAfter, RulesChoice } from './rules';
import { keySpellings, secretForms } from './secrets';
import type { Call } from '../call/call';
import type { Stores } from '../gate/stores';
import type { NewCheck, NewDelivery } from '../history/DeliveryHistory';
import { redactUrl, UrlSource } from '../network/url';
import { checkUrlPolicy } from '../network/urlPolicy';
import { DEFAULT_TIMEOUT_MS } from '../settings/definitions';
import { AppSettings, DeliverySettings, parseHttpTimeout, SettingId } from '../settings/settings';
import { randomHex } from '../util/random';
import { failure, TestOutcome } from '../gate/answers';
import { describeResult, newDeliveryId, report, ReportFields } from './describe';
import type { Payload } from '../payloads/prepare';
import { resolveTarget, Target } from './target';
import { t, Text } from '../i18n/text';

/** How old the receiver check's replayed signature is: Standard Webhooks receivers accept 5 minutes. */
export const STALE_SIGNATURE_SECONDS = 10 * 60;

/** Shorter query values (`?v=2`) are not secrets worth masking, and masking them would garble the answer. */
const MIN_MASKED_QUERY_VALUE = 6;

export interface SendRequest {
    settings: AppSettings;
    ready: DeliverySettings;
    payload: Payload;
    /** A URL the caller named, or the one a redelivered test went to; else the saved webhook URL. */
    requestedUrl?: string;
    /** Who ran it, for the history: a username. */
    by: string;
    /** The receiver check's probes: what the request carries instead of the saved secrets. */
    probe?: Probe;
    /** The delivery id, when the caller needs it before the delivery ends. */
    id?: string;
}

export type { Probe };

export interface Delivered {
    outcome: TestOutcome;
    /** Where it went (absent: no URL at all). */
    target?: Target;
    /** What the history would keep of it (absent when nothing got as far as a report). */
    entry?: NewDelivery;
    /** The size of the receiver's whole answer, when it answered. */
    bodyBytes?: number;
}

/** One test, recorded in the history (after the answer). */
export async function send(stores: Stores, call: Call, request: SendRequest): Promise<TestOutcome> {
    const { outcome, entry } = await deliver(stores, call, request);
    if (entry) {
        record(stores, call, entry);
    }
    return outcome;
}

/** One test, not recorded: `entry` is what `record` would keep (the health watch records only some runs). */
export async function deliver(stores: Stores, call: Call, request: SendRequest): Promise<Delivered> {
    const { settings } = request;
    const version =
        settings.deliveryRules === 'auto'
            ? await stores.version.get(call.read, call.http, call.persis, call.credentials || settings.permissionReader)
            : undefined;
    return deliverWith(call, request, chooseRules(settings.deliveryRules, version));
}

/**
 * Records the delivery without waiting for it (the answer should cost no more than the delivery;
 * later reads wait for it). A failed write is logged by the next call that uses the history: the
 * test happened.
 */
export function record(stores: Stores, call: Call, entry: NewDelivery | NewCheck): void {
    void stores.history.record(call.read.getPersistenceReader(), call.persis, entry, call.log);
}

async function deliverWith(
    call: Call,
    { settings, ready, payload, requestedUrl, by, probe, id = newDeliveryId() }: SendRequest,
    rules: RulesChoice,
): Promise<Delivered> {
    const redelivery = payload.redeliveryOf;
    const base: ReportFields = {
        id,
        event: payload.event,
        source: payload.source,
        ...(redelivery && { redeliveryOf: redelivery.id }),
        webhookId: probe && 'webhookId' in probe ? probe.webhookId : redelivery ? redelivery.webhookId : id,
        signed: false,
        secretsSent: false,
        rules: rules.rules,
    };
    const done = (target: Target | undefined, outcome: TestOutcome, detail: Partial<NewDelivery> = {}): Delivered => ({
        outcome,
        target,
        entry: outcome.delivery && { report: outcome.delivery, by, body: payload.body, ...(target && !target.saved && { url: target.url }), ...detail },
    });

    const target = await resolveTarget(settings.webhookUrl, call.read.getEnvironmentReader().getServerSettings(), requestedUrl);
    if (!target) {
        const reason = t('send.noUrl', { setting: SettingId.WebhookUrl });
        return done(undefined, { ...failure(400, 'Webhook_URL_not_set', reason), delivery: report(base, judgeUrlNotSet()) });
    }
    const url = redactUrl(target.url);
    const checked = checkUrlPolicy(target.url, ready.allowedHosts);
    if (!checked.ok) {
        const outcome = failure(400, checked.error, t('send.unusableUrl', { source: describeSource(target.source), reason: checked.reason }));
        const judgement = checked.error === 'error-ssrf-validation-failed' ? judgeRefusal(checked.reason) : judgeInvalidUrl(checked.reason, rules.rules);
        return done(target, { ...outcome, urlSource: target.source, delivery: report({ ...base, url }, judgement) });
    }

    // The secrets go only to the saved webhook URL.
    const token = !target.saved ? '' : probe && 'token' in probe ? (probe.token === 'wrong' ? `wrong-${randomHex(12)}` : '') : settings.secretToken;
    const wrongKey = probe && 'signature' in probe && probe.signature === 'wrong';
    const unsigned = !!probe && 'unsigned' in probe;
    const signingKey = !target.saved || !ready.signingKey || unsigned ? undefined : wrongKey ? Buffer.from(randomHex(24), 'hex') : ready.signingKey;
    const shiftSeconds = probe && 'signature' in probe && probe.signature === 'stale' ? -STALE_SIGNATURE_SECONDS : 0;
    // Only the saved URL's receiver got the secrets and could echo them. Masking another receiver's
    // answer would let whoever runs it guess a secret by echoing candidates and seeing which are masked.
    const secrets = target.saved ? secretForms(secretsOf(settings, signingKey, target.url)) : [];
    const result = await deliverTest(call.http, {
        url: checked.url.toString(),
        body: payload.body,
        secretToken: token,
        timeoutMs: ready.timeoutMs,
        maskForms: secrets,
        ...(signingKey && { signing: { key: signingKey, webhookId: base.webhookId, shiftSeconds } }),
    });
    const sent = { token: !!token, signature: !!signingKey, withheld: !target.saved };
    const fields = { ...base, url, signed: sent.signature, secretsSent: sent.token || sent.signature };
    // The spacing of Rocket.Chat's retries is read only for an attempt it would retry.
    const retry = result.kind !== 'host-refused' && retriesAfter(rules.rules, result) ? await retryTimeout(call, ready.timeoutMs) : undefined;
    const outcome = describeResult(result, fields, ready.timeoutMs, secrets, sent, rules, retry);
    const detail = { request: { headers: result.requestHeaders }, ...(result.kind === 'response' && { response: { headers: result.headers } }) };
    return { ...done(target, { ...outcome, url, urlSource: target.source }, detail), ...(result.kind === 'response' && { bodyBytes: result.bodyBytes }) };
}

/** What must never show: the token, the signing secret in every form, the saved URL's query (it may hold a key). */
function secretsOf(settings: AppSettings, signingKey: Buffer | undefined, savedUrl: string): Array<string> {
    const secrets = [settings.secretToken, settings.signingSecret, settings.signingSecret.replace(/^whsec_/, '')];
    if (signingKey) {
        secrets.push(...keySpellings(signingKey));
    }
    try {
        const { search, searchParams } = new URL(savedUrl);
        if (search.length > 1) {
            secrets.push(search.slice(1));
            searchParams.forEach((value) => value.length >= MIN_MASKED_QUERY_VALUE && secrets.push(value));
        }
    } catch {
        // Not a URL: the policy has refused it already.
    }
    return secrets;
}

function describeSource(source: UrlSource): Text {
    switch (source) {
        case 'app-setting':
            return t('send.sourceApp', { setting: SettingId.WebhookUrl });
        case 'workspace-setting':
            return t('send.sourceWorkspace');
        case 'request':
            return t('send.sourceRequest');
    }
}

/**
 * What Rocket.Chat's retries are spaced by: the workspace's Livechat_http_timeout, unless the app's
 * own timeout was set on purpose (not its default).
 */
async function retryTimeout(call: Call, appTimeoutMs: number): Promise<RetryTimeout> {
    if (appTimeoutMs !== DEFAULT_TIMEOUT_MS) {
        return { ms: appTimeoutMs, from: 'app' };
    }
    const value = await call.read
        .getEnvironmentReader()
        .getServerSettings()
        .getValueById('Livechat_http_timeout')
        .catch(() => undefined);
    const ms = parseHttpTimeout(value);
    return ms !== undefined ? { ms, from: 'workspace' } : { ms: appTimeoutMs, from: 'app' };
}
