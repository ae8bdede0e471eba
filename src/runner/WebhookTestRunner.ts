import { urlHost } from '../delivery/report';
import { DeliveryHistory, HISTORY_LIMIT, StoredDelivery } from '../history/DeliveryHistory';
import { matches, statsOf } from '../history/stats';
import { buildEventSample, EVENT_DESCRIPTIONS, EVENT_TYPES } from '../payloads/events';
import { Log } from '../util/log';
import { Watch } from '../watch/Watch';
import { watchAnswer } from '../watch/view';
import { IModify } from '@rocket.chat/apps-engine/definition/accessors';
import { Access, Allowed, usableSettings } from './access';
import { ILivechatRoom } from '@rocket.chat/apps-engine/definition/livechat';
import { RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { maySeeConversation } from '../permissions/roomAccess';
import { ROOM_NOT_FOUND } from '../payloads/roomSource';
import { Answer, CheckAnswer, EventsAnswer, failure, HistoryAnswer, HistoryItem, ReadinessAnswer, TestOutcome, WatchAnswer, WatchRunOutcome } from './answers';
import { judgeReadiness, Readiness } from '../readiness/judge';
import { readWorkspace } from '../readiness/workspace';
import { checkEntry, ReceiverCheck } from '../check/ReceiverCheck';
import { receiverErrors } from '../check/findings';
import { Caller } from './caller';
import { isAnswer, preparePayload } from './payloads';
import { parseCheckRequest, parseHistoryQuery, parseNoQuery, parseRedeliverRequest, parseTestRequest } from './requests';
import { Sender } from './send';
import { resolveTarget } from './target';
import { redactUrl } from '../network/url';
import { randomHex } from '../util/random';
import { newDeliveryId } from './describe';
import { Budget, InFlight, RunningKind, stillRunning, withinBudget } from './running';

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
        private readonly inFlight = new InFlight(),
    ) {}

    /** The engine reported a changed setting: read them again. */
    public settingsChanged(): void {
        this.access.settings.invalidate();
    }

    /** `body`: what the caller sent, `{ event?, roomId?, url? }`; checked here, after the caller is known. */
    public run(caller: Caller, body?: unknown, budget: Budget<TestOutcome> = {}): Promise<TestOutcome> {
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
                const running = entry ? undefined : this.inFlight.get(id);
                if (running) {
                    return stillRunning(running);
                }
                if (!entry) {
                    return failure(404, 'error-delivery-not-found', 'No delivery with that id in the history.');
                }
                // A conversation's payload is shown only to whoever may see the conversation now.
                // A receiver's answer may echo the payload: withheld with it.
                const shown = await this.maySeeSource(caller, allowed, entry);
                const detail = shown
                    ? { body: entry.body, request: entry.request, response: entry.response }
                    : { bodyWithheld: WITHHELD, request: entry.request };
                const check = entry.check && entry.checkBrief && { ...entry.checkBrief, ...entry.check };
                return {
                    success: true,
                    httpStatus: 200,
                    reason: 'One recorded delivery, with the exact body and the headers.',
                    entry: { ...omitCheck(shown ? toHistoryItem(entry) : withheld(toHistoryItem(entry))), ...detail, ...(check && { check }) },
                };
            }
            // Checks are listed beside deliveries (or alone with source=check); the stats count deliveries only.
            const stored = await this.history.list(reader, caller.persis);
            const hidden = await this.hiddenRooms(caller, allowed, stored);
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
                reason: `${items.length} recorded deliveries${Object.keys(filters).length ? ' match' : ''}, newest first.`,
                deliveries: items.slice(0, limit),
                stats: statsOf(items.filter((item) => item.source.kind !== 'check')),
            };
        });
    }

    /** What the panel shows, authorized once: the last deliveries, the watch, the target and the workspace's readiness. */
    public overview(
        caller: Caller,
        historyQuery: unknown,
    ): Promise<Answer & { history?: HistoryAnswer; watch?: WatchAnswer; target?: { url: string; source: string }; readiness?: ReadinessAnswer }> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const pinned = this.access.pin(caller, allowed);
            const [history, watch, target, readiness] = await Promise.all([
                this.deliveries(pinned, historyQuery),
                this.watchStatus(pinned),
                this.target(pinned),
                this.readiness(pinned),
            ]);
            return { success: true, httpStatus: 200, reason: 'The panel.', history, watch, ...(target && { target }), readiness };
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
    public watchNow(caller: Caller & { modify?: IModify }, budget: Budget<WatchRunOutcome> = {}): Promise<WatchRunOutcome> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const limited = this.access.rateLimit(allowed);
            if (limited) {
                return limited;
            }
            const id = newDeliveryId();
            const running = this.watch.run(caller, { kind: 'manual', by: allowed.user.username, id }).then((run): WatchRunOutcome => {
                if (!run.ran) {
                    return failure(400, 'error-invalid-setting', run.reason);
                }
                const change = run.change ? run.change.kind : undefined;
                return {
                    ...run.delivered.outcome,
                    watch: { state: run.state.state, ...(change && { change }), posted: run.posted, ...(run.resumed && { resumed: true }) },
                };
            });
            return this.bounded(allowed, { id, kind: 'watch' }, running, budget);
        });
    }

    /**
     * `POST webhook.check`, slash `check`: every event, the receiver's security and speed, one step
     * after another. Each request of the check counts against tests_per_minute (at most the whole
     * minute's), and a user runs one check at a time.
     */
    public check(caller: Caller, body?: unknown, onPlanned?: (steps: number) => Promise<void>, budget: Budget<CheckAnswer> = {}): Promise<CheckAnswer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const request = parseCheckRequest(body);
            if (!request.ok) {
                return failure(400, request.error, request.reason);
            }
            const usable = usableSettings(allowed.settings);
            if (!('timeoutMs' in usable)) {
                return usable;
            }
            const { url: requestedUrl, events } = request.value;
            const steps = await this.receiverCheck.stepCount(caller, { settings: allowed.settings, ready: usable, requestedUrl, events });
            // No await from here to the check's tracking: two checks at once cannot both pass.
            const mine = this.inFlight.ofUser(allowed.user.id, 'check');
            if (mine) {
                return failure(409, 'error-check-running', `Your receiver check ${mine.id} is still running (since ${mine.startedAt}); wait for it to end.`);
            }
            const ready = this.access.readyToSend(allowed, steps);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const by = allowed.user.username;
            const id = `chk_${randomHex(6)}`;
            const checking = this.workspaceReadiness(caller, allowed)
                .then((readiness) => this.receiverCheck.run(caller, { settings: allowed.settings, ready, requestedUrl, events, by, onPlanned, id, readiness }))
                .then((result): CheckAnswer => {
                    if (result.steps.length > 0) {
                        this.sender.record(caller, checkEntry(result, by, result.steps[0].event));
                    }
                    const errors = receiverErrors(result.problems);
                    this.logger.info(
                        `Webhook check ${result.id} by ${by} (${allowed.user.id}): ${result.steps.length} steps, ${errors} errors, ${result.durationMs} ms`,
                    );
                    const reason = result.ready
                        ? `Ready: ${result.steps.length} steps, no error.`
                        : `Not ready: ${errors} error${errors === 1 ? '' : 's'} in ${result.steps.length} steps.`;
                    return { success: true, httpStatus: 200, reason, ...result };
                });
            return this.bounded(allowed, { id, kind: 'check' }, checking, budget);
        });
    }

    /** `GET webhook.readiness`, slash `readiness`: what the workspace's real deliveries send, and where. */
    public readiness(caller: Caller, query?: unknown): Promise<ReadinessAnswer> {
        return this.guarded(async () => {
            const allowed = await this.access.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const parsed = parseNoQuery(query);
            if (!parsed.ok) {
                return failure(400, parsed.error, parsed.reason);
            }
            const readiness = await this.workspaceReadiness(caller, allowed);
            const reason = readiness.sends
                ? `Rocket.Chat sends ${readiness.events.filter((item) => item.sent === true).length} of ${readiness.events.length} event types.`
                : 'Rocket.Chat sends nothing: see the findings.';
            return { success: true, httpStatus: 200, reason, readiness };
        });
    }

    private async workspaceReadiness(caller: Caller, allowed: Allowed): Promise<Readiness> {
        const serverSettings = caller.read.getEnvironmentReader().getServerSettings();
        const [workspace, target] = await Promise.all([readWorkspace(serverSettings), resolveTarget(allowed.settings.webhookUrl, serverSettings)]);
        return judgeReadiness(workspace, target && target.url);
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
        return source.kind !== 'room' || this.maySeeRoom(caller, allowed, source.roomId);
    }

    private async maySeeRoom(caller: Caller, allowed: Allowed, roomId: string): Promise<boolean> {
        const room = await caller.read
            .getRoomReader()
            .getById(roomId)
            .catch(() => undefined);
        return !!room && room.type === RoomType.LIVE_CHAT && maySeeConversation(allowed.viewer, room as ILivechatRoom);
    }

    /** The conversations of a listing the caller may not see (each room read once). */
    private async hiddenRooms(caller: Caller, allowed: Allowed, entries: Array<StoredDelivery>): Promise<Set<string>> {
        const ids = [...new Set(entries.flatMap((entry) => (entry.report.source.kind === 'room' ? [entry.report.source.roomId] : [])))];
        const seen = await Promise.all(ids.map((id) => this.maySeeRoom(caller, allowed, id)));
        return new Set(ids.filter((_id, index) => !seen[index]));
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

    /**
     * Tracks the work as this instance's, and answers 202 if it outlasts the budget. Its outcome is
     * then in the history only: the engine stores a call's log lines only until the call answers.
     */
    private bounded<T extends Answer>(allowed: Allowed, work: { id: string; kind: RunningKind }, promise: Promise<T>, budget: Budget<T>): Promise<T | Answer> {
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

const WITHHELD = "The payload is a conversation you may not see: it is not shown, nor the receiver's answer to it.";

/** A conversation's delivery as shown to someone who may not see the conversation: no room id, nothing the receiver answered. */
function withheld(item: HistoryItem): HistoryItem {
    const { responseExcerpt: _excerpt, ...rest } = item;
    return { ...rest, source: { kind: 'room', roomId: '' }, withheld: WITHHELD };
}

function omitCheck(item: HistoryItem): Omit<HistoryItem, 'check'> {
    const { check: _check, ...rest } = item;
    return rest;
}

function toHistoryItem(entry: StoredDelivery): HistoryItem {
    const isCheck = entry.report.source.kind === 'check';
    return { ...entry.report, by: entry.by, redeliverable: entry.bodyKept && !isCheck, ...(entry.checkBrief && { check: entry.checkBrief }) };
}
