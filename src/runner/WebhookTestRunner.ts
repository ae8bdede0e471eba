import { urlHost } from '../delivery/report';
import { DeliveryHistory, HISTORY_LIMIT, StoredDelivery } from '../history/DeliveryHistory';
import { matches, statsOf } from '../history/stats';
import { buildEventSample, EVENT_DESCRIPTIONS, EVENT_TYPES } from '../payloads/events';
import { Log } from '../util/log';
import { Watch } from '../watch/Watch';
import { watchAnswer } from '../watch/view';
import { IModify } from '@rocket.chat/apps-engine/definition/accessors';
import { Access, Allowed } from './access';
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { maySeeConversation } from '../permissions/roomAccess';
import { ROOM_NOT_FOUND } from '../payloads/roomSource';
import { Answer, CheckAnswer, EventsAnswer, failure, HistoryAnswer, HistoryItem, TestOutcome, WatchAnswer, WatchRunOutcome } from './answers';
import { checkEntry, ReceiverCheck } from '../check/ReceiverCheck';
import { Caller } from './caller';
import { isAnswer, preparePayload } from './payloads';
import { parseCheckRequest, parseHistoryQuery, parseNoQuery, parseRedeliverRequest, parseTestRequest } from './requests';
import { Sender } from './send';
import { resolveTarget } from './target';
import { redactUrl } from '../network/url';

export * from './answers';
export { Caller } from './caller';

/** The one test shared by the endpoints, the slash command and the "Send again" button. */
export class WebhookTestRunner {
    constructor(
        private readonly access: Access,
        private readonly history: DeliveryHistory,
        private readonly sender: Sender,
        private readonly logger: Log,
        public readonly watch: Watch,
        private readonly receiverCheck: ReceiverCheck = new ReceiverCheck(sender),
    ) {}

    /** The engine reported a changed setting: read them again. */
    public settingsChanged(): void {
        this.access.settings.invalidate();
    }

    /** `body`: what the caller sent, `{ event?, roomId?, url? }`; checked here, after the caller is known. */
    public run(caller: Caller, body?: unknown): Promise<TestOutcome> {
        return this.audited(caller, 'test', async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const request = parseTestRequest(body);
            if (!request.ok) {
                return failure(400, request.error, request.reason);
            }
            const ready = this.access.readyToSend(allowed);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const payload = await preparePayload(caller.read, request.value.event, request.value.roomId, allowed.viewer);
            if (isAnswer(payload)) {
                return payload;
            }
            return this.sender.send(caller, { settings: allowed.settings, ready, payload, requestedUrl: request.value.url, by: allowed.user.username });
        });
    }

    /**
     * Sends a recorded delivery's exact body again: to the saved webhook URL as configured now, or,
     * for a test of another URL, to that URL again (without secrets unless it is now the saved one).
     */
    public redeliver(caller: Caller, body: unknown): Promise<TestOutcome> {
        return this.audited(caller, 'redelivery', async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const request = parseRedeliverRequest(body);
            if (!request.ok) {
                return failure(400, request.error, request.reason);
            }
            const { id } = request.value;
            const original = await this.history.find(caller.read.getPersistenceReader(), caller.persis, id);
            if (!original) {
                return failure(404, 'error-delivery-not-found', `No delivery "${id}" in the history (it keeps the last ${HISTORY_LIMIT} only).`);
            }
            if (original.report.source.kind === 'check') {
                return failure(400, 'error-not-redeliverable', `"${original.report.id}" is a receiver check, not a delivery: run the check again instead.`);
            }
            if (!(await this.maySeeSource(caller, allowed, original))) {
                return failure(ROOM_NOT_FOUND.status, ROOM_NOT_FOUND.error, ROOM_NOT_FOUND.reason);
            }
            if (original.body === undefined) {
                return failure(400, 'error-not-redeliverable', `Delivery "${original.report.id}" was too large to keep its payload; run a new test instead.`);
            }
            const ready = this.access.readyToSend(allowed);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const { event, source } = original.report;
            const webhookId = original.report.webhookId || original.report.id;
            const payload = { event, body: original.body, source, redeliveryOf: { id: original.report.id, webhookId } };
            return this.sender.send(caller, { settings: allowed.settings, ready, payload, requestedUrl: original.url, by: allowed.user.username });
        });
    }

    /** `query`: `{ id }` for one delivery with its detail, or `{ verdict?, event?, source?, limit? }` for a list with stats. */
    public deliveries(caller: Caller, query: unknown = {}): Promise<HistoryAnswer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const parsed = parseHistoryQuery(query, HISTORY_LIMIT);
            if (!parsed.ok) {
                return failure(400, parsed.error, parsed.reason);
            }
            const { id, filters, limit } = parsed.value;
            const reader = caller.read.getPersistenceReader();
            if (id !== undefined) {
                const entry = await this.history.find(reader, caller.persis, id);
                if (!entry) {
                    return failure(404, 'error-delivery-not-found', 'No delivery with that id in the history.');
                }
                // A conversation's payload is shown only to whoever may see the conversation now.
                const shown = await this.maySeeSource(caller, allowed, entry);
                const detail = {
                    ...(shown ? { body: entry.body } : { bodyWithheld: 'The payload is a conversation you may not see: it is not shown.' }),
                    request: entry.request,
                    response: entry.response,
                };
                return {
                    success: true,
                    httpStatus: 200,
                    reason: 'One recorded delivery, with the exact body and the headers.',
                    entry: { ...toHistoryItem(entry), ...detail },
                };
            }
            // Checks are listed beside deliveries (or alone with source=check); the stats count deliveries only.
            const all = (await this.history.list(reader, caller.persis)).map(toHistoryItem);
            const items = all.filter((item) =>
                item.source.kind === 'check' ? filters.source === 'check' || Object.keys(filters).length === 0 : matches(item, filters),
            );
            return {
                success: true,
                httpStatus: 200,
                reason: `${items.length} recorded deliveries${Object.keys(filters).length ? ' match' : ''}, newest first.`,
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

    /** `GET webhook.watch`, slash `watch`: the health watch's settings, state, uptime and last runs. */
    public watchStatus(caller: Caller, query?: unknown): Promise<WatchAnswer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const parsed = parseNoQuery(query);
            if (!parsed.ok) {
                return failure(400, parsed.error, parsed.reason);
            }
            const [status, config] = await Promise.all([this.watch.status(caller.read), this.watch.config(caller.read)]);
            return watchAnswer(status, config);
        });
    }

    /** "Test now", slash `watch now`: one watch run at once (the user's rate limit applies, as to any test they ask for). */
    public watchNow(caller: Caller & { modify?: IModify }): Promise<WatchRunOutcome> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const limited = this.access.rateLimit(allowed);
            if (limited) {
                return limited;
            }
            const run = await this.watch.run(caller, { kind: 'manual', by: allowed.user.username });
            if (!run.ran) {
                return failure(400, 'error-invalid-setting', run.reason);
            }
            const change = run.change ? run.change.kind : undefined;
            return {
                ...run.delivered.outcome,
                watch: { state: run.state.state, ...(change && { change }), posted: run.posted, ...(run.resumed && { resumed: true }) },
            };
        });
    }

    /**
     * `POST webhook.check`, slash `check`: every event, the receiver's security and speed, one step
     * after another. One check counts as one test for tests_per_minute.
     */
    public check(caller: Caller, body?: unknown, onPlanned?: (steps: number) => Promise<void>): Promise<CheckAnswer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const request = parseCheckRequest(body);
            if (!request.ok) {
                return failure(400, request.error, request.reason);
            }
            const ready = this.access.readyToSend(allowed);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const by = allowed.user.username;
            const result = await this.receiverCheck.run(caller, {
                settings: allowed.settings,
                ready,
                requestedUrl: request.value.url,
                events: request.value.events,
                by,
                onPlanned,
            });
            if (result.steps.length > 0) {
                this.sender.record(caller, checkEntry(result, by, result.steps[0].event));
            }
            const errors = result.problems.filter((finding) => finding.severity === 'error').length;
            this.logger.info(
                `Webhook check ${result.id} by ${by} (${allowed.user.id}): ${result.steps.length} steps, ${errors} errors, ${result.durationMs} ms`,
            );
            const reason = result.ready
                ? `Ready: ${result.steps.length} steps, no error.`
                : `Not ready: ${errors} error${errors === 1 ? '' : 's'} in ${result.steps.length} steps.`;
            return { success: true, httpStatus: 200, reason, ...result };
        });
    }

    public events(caller: Caller, query?: unknown): Promise<EventsAnswer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const parsed = parseNoQuery(query);
            if (!parsed.ok) {
                return failure(400, parsed.error, parsed.reason);
            }
            const now = new Date();
            const events = EVENT_TYPES.map((event) => ({ event, description: EVENT_DESCRIPTIONS[event], example: buildEventSample(event, now) }));
            return { success: true, httpStatus: 200, reason: `${events.length} event types.`, events };
        });
    }

    /** Whether the caller may use the app (the panel asks before it opens a form). */
    public allows(caller: Caller): Promise<Answer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            return allowed.ok ? { success: true, httpStatus: 200, reason: 'Allowed.' } : allowed.answer;
        });
    }

    /** A room payload's conversation must be one the caller may see (as the test of that room required). */
    private async maySeeSource(caller: Caller, allowed: Allowed, entry: StoredDelivery): Promise<boolean> {
        const source = entry.report.source;
        if (source.kind !== 'room') {
            return true;
        }
        const room = await caller.read
            .getRoomReader()
            .getById(source.roomId)
            .catch(() => undefined);
        return !!room && room.type === RoomType.LIVE_CHAT && maySeeConversation(allowed.viewer, room as ILivechatRoom);
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
}

function toHistoryItem(entry: StoredDelivery): HistoryItem {
    return { ...entry.report, by: entry.by, redeliverable: entry.bodyKept && !entry.check, ...(entry.check && { check: entry.check }) };
}
