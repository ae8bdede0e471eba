import { IHttp, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { DeliveryHistory, HISTORY_LIMIT, StoredDelivery } from '../history/DeliveryHistory';
import { CallerCredentials, PermissionGuard, WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { AppSettings, checkDeliverySettings, DeliverySettings, parseTestsPerMinute, readAppSettings, SettingId } from '../settings/settings';
import { deliverTest } from '../delivery/delivery';
import { buildEventSample, EVENT_DESCRIPTIONS, EVENT_TYPES } from '../payloads/events';
import { judgeInvalidUrl, judgeRefusal, judgeUrlNotSet, urlHost } from '../delivery/report';
import { secretForms } from '../delivery/secrets';
import { redactUrl, UrlSource } from '../network/url';
import { checkUrlPolicy } from '../network/urlPolicy';
import { Answer, EventsAnswer, failure, HistoryAnswer, HistoryItem, TestOutcome } from './answers';
import { describeResult, newDeliveryId, report, ReportFields } from './describe';
import { isAnswer, Payload, preparePayload } from './payloads';
import { Log } from '../util/log';
import { RateLimiter } from './RateLimiter';
import { resolveTarget, Target } from './target';
import { parseRedeliverRequest, parseTestRequest } from './requests';

export * from './answers';

/** Who asks, and the accessors of the call. */
export interface Caller {
    user?: IUser;
    /** Present for API calls; slash commands and buttons carry none, so they rely on a table read earlier. */
    credentials?: CallerCredentials;
    read: IRead;
    http: IHttp;
    persis: IPersistence;
}

interface Allowed {
    ok: true;
    user: IUser;
    settings: AppSettings;
}

/** The one test shared by the endpoints, the slash command and the "Send again" button. */
export class WebhookTestRunner {
    constructor(
        private readonly guard: PermissionGuard,
        private readonly history: DeliveryHistory,
        private readonly logger: Log,
        private readonly limiter = new RateLimiter(),
    ) {}

    /** `body`: what the caller sent, `{ event?, roomId?, url? }`; checked here, after the caller is known. */
    public run(caller: Caller, body?: unknown): Promise<TestOutcome> {
        return this.audited(caller, 'test', async () => {
            const allowed = await this.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const request = parseTestRequest(body);
            if (!request.ok) {
                return failure(400, request.error, request.reason);
            }
            const ready = this.readyToSend(allowed);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const payload = await preparePayload(caller.read, request.value.event, request.value.roomId);
            if (isAnswer(payload)) {
                return payload;
            }
            return this.send(caller, allowed, ready, payload, request.value.url);
        });
    }

    /**
     * Sends a recorded delivery's exact body again: to the saved webhook URL as configured now, or,
     * for a test of another URL, to that URL again (without secrets unless it is now the saved one).
     */
    public redeliver(caller: Caller, body: unknown): Promise<TestOutcome> {
        return this.audited(caller, 'redelivery', async () => {
            const allowed = await this.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const request = parseRedeliverRequest(body);
            if (!request.ok) {
                return failure(400, request.error, request.reason);
            }
            const { id } = request.value;
            const original = await this.history.find(caller.read.getPersistenceReader(), id);
            if (!original) {
                return failure(404, 'error-delivery-not-found', `No delivery "${id}" in the history (it keeps the last ${HISTORY_LIMIT} only).`);
            }
            if (original.body === undefined) {
                return failure(400, 'error-not-redeliverable', `Delivery "${original.report.id}" was too large to keep its payload; run a new test instead.`);
            }
            const ready = this.readyToSend(allowed);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const { event, source } = original.report;
            const webhookId = original.report.webhookId || original.report.id;
            return this.send(caller, allowed, ready, { event, body: original.body, source, redeliveryOf: { id: original.report.id, webhookId } }, original.url);
        });
    }

    public deliveries(caller: Caller, id?: unknown): Promise<HistoryAnswer> {
        return this.guarded(async () => {
            const allowed = await this.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const entries = await this.history.list(caller.read.getPersistenceReader());
            if (id === undefined || id === '') {
                return {
                    success: true,
                    httpStatus: 200,
                    reason: `${entries.length} recorded deliveries, newest first.`,
                    deliveries: entries.map(toHistoryItem),
                };
            }
            const entry = typeof id === 'string' ? entries.find((candidate) => candidate.report.id === id) : undefined;
            if (!entry) {
                return failure(404, 'error-delivery-not-found', 'No delivery with that id in the history.');
            }
            return {
                success: true,
                httpStatus: 200,
                reason: 'One recorded delivery, with the exact body sent.',
                entry: { ...toHistoryItem(entry), body: entry.body },
            };
        });
    }

    public events(caller: Caller): Promise<EventsAnswer> {
        return this.guarded(async () => {
            const allowed = await this.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const now = new Date();
            const events = EVENT_TYPES.map((event) => ({ event, description: EVENT_DESCRIPTIONS[event], example: buildEventSample(event, now) }));
            return { success: true, httpStatus: 200, reason: `${events.length} event types.`, events };
        });
    }

    /** Never rejects: a fault of the host itself (not of the receiver or the settings) becomes a 500 answer. */
    private async guarded<T extends Answer>(work: () => Promise<T | Answer>): Promise<T> {
        try {
            return (await work()) as T;
        } catch (error) {
            this.logger.error(`Webhook test could not run: ${error instanceof Error ? error.message : 'unknown error'}`);
            return failure(500, 'error-internal', 'The test could not run because of an unexpected error; the app log has the details.') as T;
        }
    }

    /** The audit trail: one line per test or redelivery, whatever became of it; never a secret or a URL's path or query. */
    private async audited(caller: Caller, what: string, work: () => Promise<TestOutcome | Answer>): Promise<TestOutcome> {
        const outcome: TestOutcome = await this.guarded(work);
        const who = caller.user ? `${caller.user.username} (${caller.user.id})` : 'nobody';
        const delivery = outcome.delivery;
        if (!delivery) {
            this.logger.info(`Webhook ${what} by ${who}: refused ${outcome.httpStatus} ${outcome.error}`);
            return outcome;
        }
        const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
        const timing = delivery.durationMs === undefined ? '' : ` in ${delivery.durationMs} ms`;
        this.logger.info(
            `Webhook ${what} ${delivery.id} by ${who}: event ${delivery.event}, host ${urlHost(delivery.url) || '-'} ->${status} ${delivery.verdict}${timing}`,
        );
        return outcome;
    }

    private async authorize({ user, credentials, read, http, persis }: Caller): Promise<Allowed | { ok: false; answer: Answer }> {
        if (!user) {
            return { ok: false, answer: failure(401, 'error-unauthenticated', 'You must be logged in to run the webhook test.') };
        }
        const settings = await readAppSettings(read.getEnvironmentReader().getSettings());
        const decision = await this.guard.check(user, { read, http, persis, credentials, fallbackRoles: settings.fallbackRoles });
        if (decision.kind === 'unavailable') {
            const answer = failure(503, 'error-permission-check-unavailable', decision.reason);
            return { ok: false, answer: decision.retryAfterSeconds === undefined ? answer : { ...answer, retryAfterSeconds: decision.retryAfterSeconds } };
        }
        if (!decision.allowed) {
            const roles = decision.allowedRoles.length ? decision.allowedRoles.join(', ') : 'none';
            return { ok: false, answer: failure(403, 'error-unauthorized', `You need the ${WEBHOOK_PERMISSION} permission (roles that hold it: ${roles}).`) };
        }
        return { ok: true, user, settings };
    }

    /** The settings a delivery needs, and the user's rate limit; an answer when either stops it. */
    private readyToSend({ user, settings }: Allowed): DeliverySettings | Answer {
        const usable = checkDeliverySettings(settings);
        if (!usable.ok) {
            return failure(400, 'error-invalid-setting', usable.reason);
        }
        const limit = parseTestsPerMinute(settings.testsPerMinute);
        if (limit === undefined) {
            return failure(400, 'error-invalid-setting', `The ${SettingId.TestsPerMinute} setting must be a whole number from 0 (no limit) upwards.`);
        }
        const decision = this.limiter.take(user.id, limit);
        if (!decision.allowed) {
            return {
                ...failure(
                    429,
                    'error-too-many-requests',
                    `You ran ${limit} tests in the last minute (${SettingId.TestsPerMinute}); try again in ${decision.retryAfterSeconds} s.`,
                ),
                retryAfterSeconds: decision.retryAfterSeconds,
            };
        }
        return usable;
    }

    /** `requestedUrl`: a URL the caller named, or the one a redelivered test went to; else the saved webhook URL. */
    private async send(caller: Caller, { settings }: Allowed, ready: DeliverySettings, payload: Payload, requestedUrl?: string): Promise<TestOutcome> {
        const id = newDeliveryId();
        const redelivery = payload.redeliveryOf;
        const base: ReportFields = {
            id,
            event: payload.event,
            source: payload.source,
            ...(redelivery && { redeliveryOf: redelivery.id }),
            webhookId: redelivery ? redelivery.webhookId : id,
            signed: false,
            secretsSent: false,
        };

        const target = await resolveTarget(settings.webhookUrl, caller.read.getEnvironmentReader().getServerSettings(), requestedUrl);
        if (!target) {
            const outcome = failure(
                400,
                'Webhook_URL_not_set',
                `No webhook URL: set the app's ${SettingId.WebhookUrl} setting or the workspace's Omnichannel Webhook URL.`,
            );
            return this.finish(caller, payload, undefined, { ...outcome, delivery: report(base, judgeUrlNotSet()) });
        }
        const url = redactUrl(target.url);
        const checked = checkUrlPolicy(target.url, ready.allowedHosts);
        if (!checked.ok) {
            const outcome = failure(400, checked.error, `The webhook URL in ${describeSource(target.source)} is not usable: ${checked.reason}.`);
            const judgement = checked.error === 'error-ssrf-validation-failed' ? judgeRefusal(checked.reason) : judgeInvalidUrl(checked.reason);
            return this.finish(caller, payload, target, { ...outcome, urlSource: target.source, delivery: report({ ...base, url }, judgement) });
        }

        // The secrets go only to the saved webhook URL.
        const token = target.saved ? settings.secretToken : '';
        const signingKey = target.saved ? ready.signingKey : undefined;
        const secrets = secretForms([settings.secretToken, settings.signingSecret, settings.signingSecret.replace(/^whsec_/, '')]);
        const result = await deliverTest(caller.http, {
            url: checked.url.toString(),
            body: payload.body,
            secretToken: token,
            timeoutMs: ready.timeoutMs,
            maskForms: secrets,
            ...(signingKey && { signing: { key: signingKey, webhookId: base.webhookId } }),
        });
        const sent = { token: !!token, signature: !!signingKey, withheld: !target.saved };
        const fields = { ...base, url, signed: sent.signature, secretsSent: sent.token || sent.signature };
        const outcome = describeResult(result, fields, ready.timeoutMs, secrets, sent);
        return this.finish(caller, payload, target, { ...outcome, url, urlSource: target.source });
    }

    /**
     * Queues the report for the history without waiting for it (the answer should cost no more than
     * the delivery; later reads wait for the queue). A failed write is logged only: the test happened.
     */
    private finish(caller: Caller, payload: Payload, target: Target | undefined, outcome: TestOutcome): TestOutcome {
        const delivery = outcome.delivery;
        if (delivery) {
            const by = (caller.user && caller.user.username) || 'unknown';
            // A URL that is not the saved one is kept so that a redelivery goes there again (without secrets).
            const entry: StoredDelivery = { report: delivery, by, body: payload.body, ...(target && !target.saved && { url: target.url }) };
            this.history.record(caller.read.getPersistenceReader(), caller.persis, entry).catch((error) => {
                this.logger.warn(`Could not record delivery ${delivery.id} in the history: ${error instanceof Error ? error.message : 'unknown error'}`);
            });
        }
        return outcome;
    }
}

function describeSource(source: UrlSource): string {
    switch (source) {
        case 'app-setting':
            return `the app's ${SettingId.WebhookUrl} setting`;
        case 'workspace-setting':
            return `the workspace's Omnichannel Webhook URL`;
        case 'request':
            return 'the request';
    }
}

function toHistoryItem(entry: StoredDelivery): HistoryItem {
    return { ...entry.report, by: entry.by, redeliverable: entry.body !== undefined };
}
