import { urlHost } from '../delivery/report';
import { DeliveryHistory, HISTORY_LIMIT } from '../history/DeliveryHistory';
import { matches, statsOf } from '../history/stats';
import { buildEventSample, EVENT_DESCRIPTIONS, EVENT_TYPES } from '../payloads/events';
import { Log } from '../util/log';
import { Access, Allowed, Denied } from './access';
import type { Accessors } from './caller';
import type { NewDelivery } from '../history/records';
import { ROOM_NOT_FOUND } from '../payloads/roomSource';
import { Answer, EventsAnswer, failure, HistoryAnswer, Running, TestOutcome } from './answers';
import { Caller } from './caller';
import type { Parsed } from './fields';
import { hiddenRooms, maySeeSource, omitCheck, toHistoryItem, withheld, WITHHELD } from './visibility';
import { isAnswer, preparePayload } from './payloads';
import { parseHistoryQuery, parseNoQuery, parseRedeliverRequest, parseTestRequest } from './requests';
import { Sender } from './send';
import { resolveTarget } from './target';
import { redactUrl } from '../network/url';
import { newDeliveryId } from './describe';
import { Budget, InFlight, RunningKind, stillRunning, withinBudget } from './running';
import { plural, t } from '../i18n/text';

export * from './answers';
export { Caller } from './caller';

/** The one test shared by the endpoints, the slash command and the "Send again" button. */
export class WebhookTestRunner {
    constructor(
        private readonly access: Access,
        private readonly history: DeliveryHistory,
        private readonly sender: Sender,
        private readonly logger: Log,
        private readonly inFlight = new InFlight(),
    ) {}

    /** 401, 403 or 503 as an answer; else who the caller is and the settings (capabilities above the runner start here). */
    public authorize(caller: Caller): Promise<Allowed | Denied> {
        return this.access.authorize(caller);
    }

    /** The caller allowed (else 401, 403 or 503) and then its request parsed (else a 400 naming what is wrong). */
    public async admit<T>(caller: Caller, parse: () => Parsed<T>): Promise<{ ok: true; allowed: Allowed; value: T } | Denied> {
        const allowed = await this.access.authorize(caller);
        if (!allowed.ok) {
            return allowed;
        }
        const request = parse();
        return request.ok ? { ok: true, allowed, value: request.value } : { ok: false, answer: failure(400, request.error, request.reason) };
    }

    /** The caller, already allowed: the calls of one interaction are authorized once. */
    public pin(caller: Caller, allowed: Allowed): Caller {
        return this.access.pin(caller, allowed);
    }

    /** The settings a delivery needs and the user's rate limit (`cost`: how many requests the work sends). */
    public readyToSend(allowed: Allowed, cost = 1) {
        return this.access.readyToSend(allowed, cost);
    }

    public rateLimit(allowed: Allowed): Answer | undefined {
        return this.access.rateLimit(allowed);
    }

    /** The same user's work of this kind still running on this instance. */
    public runningOf(userId: string, kind: RunningKind): Running | undefined {
        return this.inFlight.ofUser(userId, kind);
    }

    /** Keeps an entry in the history after the answer. */
    public record(accessors: Accessors, entry: NewDelivery): void {
        this.sender.record(accessors, entry);
    }

    /** The engine reported a changed setting: read them again. */
    public settingsChanged(): void {
        this.access.settings.invalidate();
    }

    /** `body`: what the caller sent, `{ event?, roomId?, url? }`; checked here, after the caller is known. */
    public run(caller: Caller, body?: unknown, budget: Budget<TestOutcome> = {}): Promise<TestOutcome> {
        return this.audited(caller, 'test', async () => {
            const request = await this.admit(caller, () => parseTestRequest(body));
            if (!request.ok) {
                return request.answer;
            }
            const { allowed } = request;
            const ready = this.access.readyToSend(allowed);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const payload = await preparePayload(caller.read, request.value.event, request.value.roomId, allowed.viewer);
            if (isAnswer(payload)) {
                return payload;
            }
            const id = newDeliveryId();
            const sending = this.sender.send(caller, {
                settings: allowed.settings,
                ready,
                payload,
                requestedUrl: request.value.url,
                by: allowed.user.username,
                id,
            });
            return this.bounded(allowed, { id, kind: 'delivery' }, sending, budget);
        });
    }

    /**
     * Sends a recorded delivery's exact body again: to the saved webhook URL as configured now, or,
     * for a test of another URL, to that URL again (without secrets unless it is now the saved one).
     */
    public redeliver(caller: Caller, body: unknown, budget: Budget<TestOutcome> = {}): Promise<TestOutcome> {
        return this.audited(caller, 'redelivery', async () => {
            const request = await this.admit(caller, () => parseRedeliverRequest(body));
            if (!request.ok) {
                return request.answer;
            }
            const { allowed } = request;
            const { id } = request.value;
            const original = await this.history.find(caller.read.getPersistenceReader(), caller.persis, id);
            if (!original) {
                return failure(404, 'error-delivery-not-found', t('history.notFound', { id, limit: HISTORY_LIMIT }));
            }
            if (original.report.source.kind === 'check') {
                return failure(400, 'error-not-redeliverable', t('history.isCheck', { id: original.report.id }));
            }
            if (!(await maySeeSource(caller.read, allowed.viewer, original))) {
                return failure(ROOM_NOT_FOUND.status, ROOM_NOT_FOUND.error, ROOM_NOT_FOUND.reason);
            }
            if (original.body === undefined) {
                return failure(400, 'error-not-redeliverable', t('history.tooLarge', { id: original.report.id }));
            }
            const ready = this.access.readyToSend(allowed);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const { event, source } = original.report;
            const webhookId = original.report.webhookId || original.report.id;
            const payload = { event, body: original.body, source, redeliveryOf: { id: original.report.id, webhookId } };
            const next = newDeliveryId();
            const sending = this.sender.send(caller, {
                settings: allowed.settings,
                ready,
                payload,
                requestedUrl: original.url,
                by: allowed.user.username,
                id: next,
            });
            return this.bounded(allowed, { id: next, kind: 'delivery' }, sending, budget);
        });
    }

    /** `query`: `{ id }` for one delivery with its detail, or `{ verdict?, event?, source?, limit? }` for a list with stats. */
    public deliveries(caller: Caller, query: unknown = {}): Promise<HistoryAnswer> {
        return this.guarded(async () => {
            const parsed = await this.admit(caller, () => parseHistoryQuery(query, HISTORY_LIMIT));
            if (!parsed.ok) {
                return parsed.answer;
            }
            const { allowed } = parsed;
            const { id, filters, limit } = parsed.value;
            const reader = caller.read.getPersistenceReader();
            if (id !== undefined) {
                const entry = await this.history.find(reader, caller.persis, id);
                const running = entry ? undefined : this.inFlight.get(id);
                if (running) {
                    return stillRunning(running);
                }
                if (!entry) {
                    return failure(404, 'error-delivery-not-found', t('history.noSuchId'));
                }
                // A conversation's payload is shown only to whoever may see the conversation now.
                // A receiver's answer may echo the payload: withheld with it.
                const shown = await maySeeSource(caller.read, allowed.viewer, entry);
                const detail = shown
                    ? { body: entry.body, request: entry.request, response: entry.response }
                    : { bodyWithheld: WITHHELD, request: entry.request };
                const check = entry.check && entry.checkBrief && { ...entry.checkBrief, ...entry.check };
                return {
                    success: true,
                    httpStatus: 200,
                    reason: t('history.oneDelivery'),
                    entry: { ...omitCheck(shown ? toHistoryItem(entry) : withheld(toHistoryItem(entry))), ...detail, ...(check && { check }) },
                };
            }
            // Checks are listed beside deliveries (or alone with source=check); the stats count deliveries only.
            const stored = await this.history.list(reader, caller.persis);
            const hidden = await hiddenRooms(caller.read, allowed.viewer, stored);
            const all = stored.map((entry) => {
                const item = toHistoryItem(entry);
                return entry.report.source.kind === 'room' && hidden.has(entry.report.source.roomId) ? withheld(item) : item;
            });
            const items = all.filter((item) =>
                item.source.kind === 'check' ? filters.source === 'check' || Object.keys(filters).length === 0 : matches(item, filters),
            );
            return {
                success: true,
                httpStatus: 200,
                reason: plural(Object.keys(filters).length ? 'history.matching' : 'history.recorded', items.length),
                deliveries: items.slice(0, limit),
                stats: statsOf(items.filter((item) => item.source.kind !== 'check')),
            };
        });
    }

    /** The saved webhook URL (redacted) and where it comes from, for whoever may test it; undefined otherwise or when none is set. */
    public async target(caller: Caller): Promise<{ url: string; source: string } | undefined> {
        try {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return undefined;
            }
            const target = await resolveTarget(allowed.settings.webhookUrl, caller.read.getEnvironmentReader().getServerSettings());
            return target && { url: redactUrl(target.url), source: target.source };
        } catch {
            return undefined;
        }
    }

    public events(caller: Caller, query?: unknown): Promise<EventsAnswer> {
        return this.guarded(async () => {
            const parsed = await this.admit(caller, () => parseNoQuery(query));
            if (!parsed.ok) {
                return parsed.answer;
            }
            const now = new Date();
            const events = EVENT_TYPES.map((event) => ({ event, description: EVENT_DESCRIPTIONS[event], example: buildEventSample(event, now) }));
            return { success: true, httpStatus: 200, reason: t('answer.events', { count: events.length }), events };
        });
    }

    /** Whether the caller may use the app (the panel asks before it opens a form). */
    public allows(caller: Caller): Promise<Answer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            return allowed.ok ? { success: true, httpStatus: 200, reason: t('answer.allowed') } : allowed.answer;
        });
    }

    /** A room payload's conversation must be one the caller may see (as the test of that room required). */
    /** Never rejects: a fault of the host itself (not of the receiver or the settings) becomes a 500 answer. */
    public async guarded<T extends Answer>(work: () => Promise<T | Answer>): Promise<T> {
        try {
            return (await work()) as T;
        } catch (error) {
            this.logger.error(`Webhook test could not run: ${error instanceof Error ? error.message : 'unknown error'}`);
            return failure(500, 'error-internal', t('answer.internal')) as T;
        }
    }

    /**
     * Tracks the work as this instance's, and answers 202 if it outlasts the budget. Its outcome is
     * then in the history only: the engine stores a call's log lines only until the call answers.
     */
    public bounded<T extends Answer>(allowed: Allowed, work: { id: string; kind: RunningKind }, promise: Promise<T>, budget: Budget<T>): Promise<T | Answer> {
        const running = { ...work, startedAt: new Date().toISOString(), by: allowed.user.username, userId: allowed.user.id };
        this.inFlight.track(running, promise).catch(() => undefined);
        return withinBudget({ id: running.id, kind: running.kind, startedAt: running.startedAt, by: running.by }, promise, budget, (error) => {
            this.logger.error(`Webhook ${work.kind} ${work.id} failed after its answer: ${error instanceof Error ? error.message : 'unknown error'}`);
        });
    }

    /** The audit trail: one line per test or redelivery, whatever became of it; never a secret or a URL's path or query. */
    private async audited(caller: Caller, what: string, work: () => Promise<TestOutcome | Answer>): Promise<TestOutcome> {
        const outcome: TestOutcome = await this.guarded(work);
        this.audit(caller, what, outcome);
        return outcome;
    }

    private audit(caller: Caller, what: string, outcome: TestOutcome): void {
        const who = caller.user ? `${caller.user.username} (${caller.user.id})` : 'nobody';
        if (outcome.running) {
            this.logger.info(`Webhook ${what} ${outcome.running.id} by ${who}: still running, answered 202; its outcome goes into the history`);
            return;
        }
        const delivery = outcome.delivery;
        if (!delivery) {
            this.logger.info(`Webhook ${what} by ${who}: refused ${outcome.httpStatus} ${outcome.error}`);
            return;
        }
        const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
        const timing = delivery.durationMs === undefined ? '' : ` in ${delivery.durationMs} ms`;
        this.logger.info(
            `Webhook ${what} ${delivery.id} by ${who}: event ${delivery.event}, host ${urlHost(delivery.url) || '-'} ->${status} ${delivery.verdict}${timing}`,
        );
    }
}
