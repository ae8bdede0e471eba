import { Buffer } from 'buffer';
import { randomBytes } from 'crypto';

import { IHttp, ILogger, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { DeliveryHistory, HISTORY_LIMIT, StoredDelivery } from '../history/DeliveryHistory';
import { CallerCredentials, PermissionGuard, WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { AppSettings, checkDeliverySettings, readAppSettings, SettingId } from '../settings/settings';
import { buildRoomPayload } from '../webhook/conversation';
import { deliverTest } from '../webhook/delivery';
import { buildEventSample, buildOfflineMessagePayload, EVENT_DESCRIPTIONS, EVENT_TYPES, EventType } from '../webhook/events';
import { DeliveryReport, judgeDelivery, judgeInvalidUrl, judgeUrlNotSet, Judgement } from '../webhook/report';
import { loadConversation } from '../webhook/roomSource';
import { parseRedeliverRequest, parseTestRequest } from './requests';
import { checkWebhookUrl, redactUrl, resolveWebhookTarget, UrlSource } from '../webhook/url';

export type ErrorCode =
    | 'error-unauthenticated'
    | 'error-unauthorized'
    | 'error-invalid-params'
    | 'error-invalid-event'
    | 'error-room-not-found'
    | 'error-not-omnichannel-room'
    | 'error-delivery-not-found'
    | 'error-not-redeliverable'
    | 'Webhook_URL_not_set'
    | 'error-invalid-webhook-url'
    | 'error-invalid-setting'
    | 'error-invalid-webhook-response'
    | 'error-internal';

export type HttpStatus = 200 | 400 | 401 | 403 | 404 | 500;

/** What every answer has; the endpoints send it as JSON (minus httpStatus), the command as a reply. */
export interface Answer {
    success: boolean;
    httpStatus: HttpStatus;
    error?: ErrorCode;
    /** One sentence a person can act on. Never holds the token or a URL's credentials or query. */
    reason: string;
}

/** What one test (or redelivery) came to. */
export interface TestOutcome extends Answer {
    url?: string;
    urlSource?: UrlSource;
    receiverStatus?: number;
    durationMs?: number;
    /** Present once the test got as far as a payload and a URL decision. */
    delivery?: DeliveryReport;
}

export interface HistoryItem extends DeliveryReport {
    by: string;
    redeliverable: boolean;
}

export interface HistoryAnswer extends Answer {
    deliveries?: Array<HistoryItem>;
    /** One delivery with the exact body sent, when asked for by id. */
    entry?: HistoryItem & { body?: string };
}

export interface EventsAnswer extends Answer {
    events?: Array<{ event: EventType; description: string; example: { [key: string]: unknown } }>;
}

/** Who asks, and the accessors of the call. */
export interface Caller {
    user?: IUser;
    /** Present for API calls; slash commands and buttons carry none, so they rely on the cached or fallback roles. */
    credentials?: CallerCredentials;
    read: IRead;
    http: IHttp;
    persis: IPersistence;
}

const MAX_REASON_LENGTH = 300;

interface Payload {
    event: EventType;
    body: string;
    source: DeliveryReport['source'];
    redeliveryOf?: string;
}

/** The one test shared by the endpoints, the slash command and the "Send again" button. */
export class WebhookTestRunner {
    constructor(private readonly guard: PermissionGuard, private readonly history: DeliveryHistory, private readonly logger: ILogger) {}

    /** `body`: what the caller sent, `{ event?, roomId? }`; checked here, after the caller is known. */
    public run(caller: Caller, body?: unknown): Promise<TestOutcome> {
        return this.guarded(async () => {
            const allowed = await this.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const request = parseTestRequest(body);
            if (!request.ok) {
                return failure(400, request.error, request.reason);
            }
            const payload = await this.buildPayload(caller.read, request.value.event, request.value.roomId);
            if ('httpStatus' in payload) {
                return payload;
            }
            return this.deliver(caller, allowed.settings, payload);
        });
    }

    /** Sends a recorded delivery's exact body again, to the URL configured now. */
    public redeliver(caller: Caller, body: unknown): Promise<TestOutcome> {
        return this.guarded(async () => {
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
            const { event, source } = original.report;
            return this.deliver(caller, allowed.settings, { event, body: original.body, source, redeliveryOf: original.report.id });
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
                return { success: true, httpStatus: 200, reason: `${entries.length} recorded deliveries, newest first.`, deliveries: entries.map(toHistoryItem) };
            }
            const entry = typeof id === 'string' ? entries.find((candidate) => candidate.report.id === id) : undefined;
            if (!entry) {
                return failure(404, 'error-delivery-not-found', 'No delivery with that id in the history.');
            }
            return { success: true, httpStatus: 200, reason: 'One recorded delivery, with the exact body sent.', entry: { ...toHistoryItem(entry), body: entry.body } };
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

    private async authorize({ user, credentials, read, http }: Caller): Promise<{ ok: true; settings: AppSettings } | { ok: false; answer: Answer }> {
        if (!user) {
            return { ok: false, answer: failure(401, 'error-unauthenticated', 'You must be logged in to run the webhook test.') };
        }
        const settings = await readAppSettings(read.getEnvironmentReader().getSettings());
        const decision = await this.guard.check(user, { read, http, credentials, fallbackRoles: settings.fallbackRoles });
        if (!decision.allowed) {
            const roles = decision.allowedRoles.length ? decision.allowedRoles.join(', ') : 'none';
            return { ok: false, answer: failure(403, 'error-unauthorized', `You need the ${WEBHOOK_PERMISSION} permission (roles that hold it: ${roles}).`) };
        }
        return { ok: true, settings };
    }

    private async buildPayload(read: IRead, event: EventType, roomId: string | undefined): Promise<Payload | Answer> {
        const now = new Date();
        if (roomId === undefined) {
            return { event, body: JSON.stringify(buildEventSample(event, now)), source: { kind: 'sample' } };
        }
        const loaded = await loadConversation(read, roomId);
        if (!loaded.ok) {
            return failure(loaded.status, loaded.error, loaded.reason);
        }
        const { snapshot } = loaded;
        let payload: { [key: string]: unknown };
        if (event === 'LivechatOfflineMessage') {
            // An offline message has no room; the room's visitor and their last message stand in for the form.
            const fromVisitor = snapshot.messages.filter((message) => message.sender.username === snapshot.visitor.username);
            const last = fromVisitor[fromVisitor.length - 1];
            const email = snapshot.visitor.visitorEmails && snapshot.visitor.visitorEmails[0];
            payload = buildOfflineMessagePayload(
                { name: snapshot.visitor.name || snapshot.visitor.username, email: email ? email.address : '', message: last && last.text ? last.text : '' },
                now,
            );
        } else {
            payload = buildRoomPayload(event, snapshot);
        }
        return { event, body: JSON.stringify(payload), source: { kind: 'room', roomId } };
    }

    private async deliver(caller: Caller, settings: AppSettings, payload: Payload): Promise<TestOutcome> {
        const usable = checkDeliverySettings(settings);
        if (!usable.ok) {
            return failure(400, 'error-invalid-setting', usable.reason);
        }
        const { timeoutMs } = usable;
        const base = { id: newDeliveryId(), event: payload.event, source: payload.source, ...(payload.redeliveryOf && { redeliveryOf: payload.redeliveryOf }) };

        const target = await resolveWebhookTarget(settings.webhookUrl, caller.read.getEnvironmentReader().getServerSettings());
        if (!target) {
            const outcome = failure(400, 'Webhook_URL_not_set', `No webhook URL: set the app's ${SettingId.WebhookUrl} setting or the workspace's Omnichannel Webhook URL.`);
            return this.finish(caller, payload, { ...outcome, delivery: report(base, judgeUrlNotSet()) });
        }
        const url = redactUrl(target.url);
        const checked = checkWebhookUrl(target.url);
        if (!checked.ok) {
            const where = target.source === 'app-setting' ? `the app's ${SettingId.WebhookUrl} setting` : `the workspace's Omnichannel Webhook URL`;
            const outcome = failure(400, 'error-invalid-webhook-url', `The webhook URL in ${where} is not usable: ${checked.reason}.`);
            const delivery = report({ ...base, url }, judgeInvalidUrl(checked.reason));
            return this.finish(caller, payload, { ...outcome, urlSource: target.source, delivery });
        }

        const result = await deliverTest(caller.http, { url: checked.url.toString(), body: payload.body, secretToken: settings.secretToken, timeoutMs });
        const judgement = judgeDelivery(result, timeoutMs);
        const delivery = report(
            {
                ...base,
                url,
                sentAt: result.sentAt.toISOString(),
                durationMs: result.durationMs,
                ...(result.kind === 'response' && {
                    status: result.status,
                    // A receiver that echoes its request would echo the token.
                    responseExcerpt: hideToken(result.excerpt, settings.secretToken),
                    ...(result.contentType && { responseContentType: hideToken(result.contentType, settings.secretToken).slice(0, 200) }),
                }),
            },
            judgement,
        );
        const outcome: TestOutcome = { ...summarize(result, timeoutMs, settings.secretToken), url, urlSource: target.source, delivery };
        return this.finish(caller, payload, outcome);
    }

    /**
     * Queues the report for the history without waiting for it (the answer should cost no more than
     * the delivery; later reads wait for the queue) and logs one line. A failed write is logged only:
     * the test itself happened.
     */
    private finish(caller: Caller, payload: Payload, outcome: TestOutcome): TestOutcome {
        const delivery = outcome.delivery as DeliveryReport;
        const by = (caller.user && caller.user.username) || 'unknown';
        this.history.record(caller.read.getPersistenceReader(), caller.persis, { report: delivery, by, body: payload.body }).catch((error) => {
            this.logger.warn(`Could not record delivery ${delivery.id} in the history: ${error instanceof Error ? error.message : 'unknown error'}`);
        });
        const timing = delivery.durationMs === undefined ? '' : ` in ${delivery.durationMs} ms`;
        const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
        this.logger.info(`Webhook test ${delivery.id} by ${by}: ${delivery.event} to ${delivery.url || '(no URL)'} ->${status} ${delivery.verdict}${timing}`);
        return outcome;
    }
}

function failure(httpStatus: HttpStatus, error: ErrorCode, reason: string): Answer {
    return { success: false, httpStatus, error, reason };
}

function report(fields: Omit<DeliveryReport, 'verdict' | 'hint' | 'errorKind'>, judgement: Judgement): DeliveryReport {
    return { ...fields, verdict: judgement.verdict, ...(judgement.errorKind && { errorKind: judgement.errorKind }), hint: judgement.hint };
}

function toHistoryItem(entry: StoredDelivery): HistoryItem {
    return { ...entry.report, by: entry.by, redeliverable: entry.body !== undefined };
}

const ID_BYTES = 6;
let idPool = Buffer.alloc(0);

/** `dlv_` and 12 random hex digits; random bytes are drawn 1 KiB at a time (one call each is slow). */
function newDeliveryId(): string {
    if (idPool.length < ID_BYTES) {
        idPool = randomBytes(1024);
    }
    const id = idPool.subarray(0, ID_BYTES).toString('hex');
    idPool = idPool.subarray(ID_BYTES);
    return `dlv_${id}`;
}

/** The foundation's fields (success, error, reason, receiverStatus, durationMs), as before. */
function summarize(result: Parameters<typeof judgeDelivery>[0], timeoutMs: number, token: string): TestOutcome {
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
    }
}

/** Text from the host's HTTP layer or the receiver may quote URLs or echo the token: keep both out. */
function scrub(message: string, token: string): string {
    const text = hideToken(message.replace(/https?:\/\/[^\s'"<>]+/gi, (url) => redactUrl(url)), token).replace(/[.\s]+$/, '');
    return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}

function hideToken(text: string, token: string): string {
    return token ? text.split(token).join('***') : text;
}
