// The health watch: a test of the saved webhook URL on a schedule (or when someone asks), its runs
// kept in persistence, and one message in the alert room when the webhook starts failing and one
// when it recovers. A run is the same test as webhook.test, with no user and no rate limit; it goes
// into the delivery history only when it changes the state, so runs never push manual tests out.
// Instances of a cluster may run at once: every run is kept (its own record) and each alert is
// claimed before it is posted (WatchStore). A run that never finished pauses the schedule.
import { IModify, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';

import { newDeliveryId, report } from '../runner/describe';
import { buildEventSample } from '../payloads/events';
import { Accessors } from '../runner/caller';
import { usableSettings } from '../runner/access';
import { Delivered, Sender } from '../runner/send';
import { resolveTarget } from '../runner/target';
import { SettingsCache } from '../settings/SettingsCache';
import { Log } from '../util/log';
import { settledBy } from '../util/settledBy';
import { ENGINE_BUDGET_MS } from '../runner/running';
import { parseWatchConfig, WatchConfig } from './config';
import { changeMessage, Message, pausedMessage } from './messages';
import { INITIAL_STATE, KeptRun, replay, WatchChange, WatchState } from './state';
import { Pause, urlKeyOf, WatchStore } from './WatchStore';

export interface WatchContext extends Accessors {
    /** Needed to post in the alert room. */
    modify?: IModify;
}

/** `id`: the run's delivery id, when the caller names it before the run ends. */
export type Trigger = { kind: 'schedule' } | { kind: 'manual'; by: string; id?: string };

export type WatchRun =
    | { ran: true; delivered: Delivered; state: WatchState; change?: WatchChange; posted: boolean; resumed: boolean }
    /** The watch's own settings are unusable, or it is paused: nothing was sent. */
    | { ran: false; reason: string };

export interface WatchStatus {
    state: WatchState;
    paused?: Pause;
}

/** A run's start mark outlives its own timeout by this much before it counts as never finished. */
export const START_GRACE_MS = 60 * 1000;

export class Watch {
    private queue: Promise<unknown> = Promise.resolve();

    constructor(
        private readonly settings: SettingsCache,
        private readonly sender: Sender,
        private readonly logger: Log,
        private readonly appId: string,
        private readonly store = new WatchStore(),
    ) {}

    /** What the scheduler calls: never throws into it, whatever fails, and returns within the engine's limit (a longer run goes on). */
    public async scheduled(context: WatchContext): Promise<void> {
        const failed = (error: unknown) =>
            this.logger.error(`Webhook watch run failed: ${error instanceof Error ? error.message : 'unknown error'}; the next run goes on.`);
        const run = this.run(context, { kind: 'schedule' });
        run.catch(failed);
        const done = await settledBy(run, Date.now() + ENGINE_BUDGET_MS).catch(() => null);
        if (done === undefined) {
            this.logger.warn(`Webhook watch run still going after ${ENGINE_BUDGET_MS / 1000} s: it goes on; its outcome is kept when it ends.`);
        }
    }

    /** One run, after any other of this instance (a scheduled run and a "Test now" never interleave). */
    public run(context: WatchContext, trigger: Trigger): Promise<WatchRun> {
        const next = this.queue.then(() => this.runNow(context, trigger));
        this.queue = next.catch(() => undefined);
        return next;
    }

    /** The state replayed from the kept runs; `unknown` at once when they went to another URL than today's. */
    public async status(read: IRead): Promise<WatchStatus> {
        await this.queue;
        const reader = read.getPersistenceReader();
        const [runs, pauses, settings] = await Promise.all([
            this.store.runs(reader),
            this.store.pauses(reader),
            this.settings.get(read.getEnvironmentReader().getSettings()),
        ]);
        const config = parseWatchConfig(settings);
        let { state } = replay(runs, config.ok ? config.config.failuresToAlert : 1);
        const target = await resolveTarget(settings.webhookUrl, read.getEnvironmentReader().getServerSettings());
        const urlKey = urlKeyOf(target ? target.url : '');
        if (state.urlKey !== undefined && state.urlKey !== urlKey) {
            state = { ...INITIAL_STATE, urlKey };
        }
        return { state, ...(pauses[0] && { paused: pauses[0] }) };
    }

    public async config(read: IRead): Promise<{ ok: true; config: WatchConfig } | { ok: false; reason: string }> {
        return parseWatchConfig(await this.settings.get(read.getEnvironmentReader().getSettings()));
    }

    private async runNow(context: WatchContext, trigger: Trigger): Promise<WatchRun> {
        const settings = await this.settings.get(context.read.getEnvironmentReader().getSettings());
        const parsed = parseWatchConfig(settings);
        if (!parsed.ok) {
            this.logger.warn(`Webhook watch run skipped: ${parsed.reason}`);
            return { ran: false, reason: parsed.reason };
        }
        const config = parsed.config;
        const reader = context.read.getPersistenceReader();
        const paused = await this.breaker(context, config);
        if (paused && trigger.kind === 'schedule') {
            this.logger.warn(
                `Webhook watch paused since ${paused.at} (run ${paused.runId} never finished): scheduled runs skip until someone presses Test now.`,
            );
            return { ran: false, reason: `The health watch is paused: run ${paused.runId} never finished. Test now runs it once and resumes it.` };
        }

        const now = new Date();
        const id = (trigger.kind === 'manual' && trigger.id) || newDeliveryId();
        const payload = { event: config.event, body: JSON.stringify(buildEventSample(config.event, now)), source: { kind: 'watch' as const } };
        const by = trigger.kind === 'manual' ? trigger.by : 'watch';
        const ready = usableSettings(settings);
        const timeoutMs = 'timeoutMs' in ready ? ready.timeoutMs : 0;
        const mark = await this.store.start(context.persis, { id, startedAt: now.getTime(), deadline: now.getTime() + timeoutMs + START_GRACE_MS });
        let delivered: Delivered;
        let run: KeptRun;
        try {
            if ('timeoutMs' in ready) {
                delivered = await this.sender.deliver(context, { settings, ready, payload, by, id });
            } else {
                // A setting keeps every delivery from going out: a failed run whose alert says which.
                const fields = { id, event: config.event, source: payload.source, webhookId: id, signed: false, secretsSent: false };
                const delivery = report(fields, { verdict: 'not-sent', errorKind: 'invalid-setting', hint: ready.reason });
                // The URL it would have gone to: a setting error is not a new URL.
                const target = await resolveTarget(settings.webhookUrl, context.read.getEnvironmentReader().getServerSettings());
                delivered = { outcome: { ...ready, delivery }, target, entry: { report: delivery, by, body: payload.body } };
            }
            const delivery = delivered.outcome.delivery;
            if (!delivery) {
                throw new Error('the run produced no report');
            }
            run = {
                id: delivery.id,
                sentAt: delivery.sentAt || now.toISOString(),
                verdict: delivery.verdict,
                ...(delivery.status !== undefined && { status: delivery.status }),
                ...(delivery.errorKind && { errorKind: delivery.errorKind }),
                ...(delivery.durationMs !== undefined && { durationMs: delivery.durationMs }),
                urlKey: urlKeyOf(delivered.target ? delivered.target.url : ''),
            };
            await this.store.addRun(context.persis, run);
        } finally {
            await this.store.finish(context.persis, mark).catch(() => undefined);
        }
        const delivery = delivered.outcome.delivery!;

        const runs = await this.store.runs(reader);
        const replayed = replay(runs.some((kept) => kept.id === run.id) ? runs : [...runs, run], config.failuresToAlert);
        const state = replayed.state;
        if (replayed.changed.has(run.id) && delivered.entry) {
            this.sender.record(context, delivered.entry);
        }
        const { change, posted } = await this.alert(context, config, run, replayed, delivery);
        const resumed = trigger.kind === 'manual' && !!paused && (await this.store.resume(reader, context.persis)) > 0;
        this.store.prune(reader, context.persis, state).catch((error) => {
            this.logger.warn(`Webhook watch: could not prune old runs: ${error instanceof Error ? error.message : 'unknown error'}`);
        });
        const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
        const what = trigger.kind === 'manual' ? `run by ${trigger.by}` : 'run';
        this.logger.info(
            `Webhook watch ${what} ${delivery.id}: event ${delivery.event} ->${status} ${delivery.verdict}; state ${state.state}` +
                (change ? ` (${change.kind}${posted ? ', posted' : ''})` : '') +
                (resumed ? '; resumed' : ''),
        );
        return { ran: true, delivered, state, ...(change && { change }), posted, resumed };
    }

    /**
     * A run started here or on another instance that never got recorded (the app stopped during it):
     * pause the schedule, and say so once. Returns the pause in force, if any.
     */
    private async breaker(context: WatchContext, config: WatchConfig): Promise<Pause | undefined> {
        const reader = context.read.getPersistenceReader();
        const runs = await this.store.runs(reader, context.persis);
        const lost = await this.store.unfinished(reader, context.persis, runs, Date.now());
        if (lost.length > 0) {
            const pause: Pause = { runId: lost[0].id, startedAt: lost[0].startedAt, at: new Date().toISOString() };
            await this.store.pause(context.persis, pause);
            this.logger.error(`Webhook watch paused: run ${pause.runId} started ${new Date(pause.startedAt).toISOString()} and never finished.`);
            if (await this.store.claim(reader, context.persis, `paused:${pause.runId}`)) {
                await this.post(context, config, pausedMessage(pause, this.appId));
            }
        }
        return (await this.store.pauses(reader))[0];
    }

    /** The alert this run is the one to post, if any: each episode's is claimed once across instances. */
    private async alert(
        context: WatchContext,
        config: WatchConfig,
        run: KeptRun,
        replayed: ReturnType<typeof replay>,
        delivery: NonNullable<Delivered['outcome']['delivery']>,
    ): Promise<{ change?: WatchChange; posted: boolean }> {
        const reader = context.read.getPersistenceReader();
        const { state, recovery, episode } = replayed;
        const claimed = await this.store.claimed(reader);
        let change: WatchChange | undefined;
        if (run.verdict !== 'delivered' && episode && state.firstFailureAt) {
            const key = `failing:${episode}`;
            if (!claimed.has(key) && (await this.store.claim(reader, context.persis, key))) {
                change = { kind: 'failing', since: state.firstFailureAt, failedRuns: state.consecutiveFailures };
            }
        } else if (run.verdict === 'delivered' && recovery && claimed.has(`failing:${recovery.episode}`)) {
            const key = `recovered:${recovery.episode}`;
            if (!claimed.has(key) && (await this.store.claim(reader, context.persis, key))) {
                const { runId: _runId, episode: _episode, ...facts } = recovery;
                change = facts;
            }
        }
        if (!change) {
            return { posted: false };
        }
        return { change, posted: await this.post(context, config, changeMessage(change, delivery, this.appId)) };
    }

    /** Posts as the app's bot in the alert room; a missing room or a failed post is logged, never thrown. */
    private async post(context: WatchContext, config: WatchConfig, message: Message): Promise<boolean> {
        if (!config.alertRoom || !context.modify) {
            return false;
        }
        try {
            const room = await findRoom(context.read, config.alertRoom);
            if (!room) {
                this.logger.warn(`Webhook watch: no room "${config.alertRoom.slice(0, 80)}" to post the alert in (watch_alert_room).`);
                return false;
            }
            const creator = context.modify.getCreator();
            const builder = creator.startMessage().setRoom(room).setText(message.text).setBlocks(message.blocks).setGroupable(false);
            const appUser = await context.read.getUserReader().getAppUser();
            if (appUser) {
                builder.setSender(appUser);
            }
            await creator.finish(builder);
            return true;
        } catch (error) {
            this.logger.warn(`Webhook watch: could not post in the alert room: ${error instanceof Error ? error.message : 'unknown error'}`);
            return false;
        }
    }
}

/** A room by id, else by name ("#" allowed). */
async function findRoom(read: IRead, nameOrId: string): Promise<IRoom | undefined> {
    const rooms = read.getRoomReader();
    const byId = await rooms.getById(nameOrId).catch(() => undefined);
    if (byId) {
        return byId;
    }
    return (await rooms.getByName(nameOrId.replace(/^#/, '')).catch(() => undefined)) || undefined;
}
