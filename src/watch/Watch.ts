// The health watch: a test of the saved webhook URL on a schedule (or when someone asks), its runs
// kept in persistence, and one message in the alert room when the webhook starts failing and one
// when it recovers. A run is the same test as webhook.test, with no user and no rate limit; it goes
// into the delivery history only when it changes the state, so runs never push manual tests out.
// Instances of a cluster may run at once: every run is kept (its own record) and each alert is
// claimed before it is posted (WatchStore). A run that never finished pauses the schedule.
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import { newDeliveryId, report } from '../runner/describe';
import { buildEventSample } from '../payloads/events';
import { usableSettings } from '../runner/access';
import { Delivered, Sender } from '../runner/send';
import { resolveTarget } from '../runner/target';
import { SettingsCache } from '../settings/SettingsCache';
import { Log } from '../util/log';
import { settledBy } from '../util/settledBy';
import { ENGINE_BUDGET_MS } from '../runner/running';
import { parseWatchConfig, WatchConfig } from './config';
import { WatchAlerts, WatchContext } from './alerts';
import { judgeReadiness } from '../readiness/judge';
import { readWorkspace } from '../readiness/workspace';
import { INITIAL_STATE, KeptRun, replay, WatchChange, WatchState } from './state';
import { Pause, urlKeyOf, WatchStore } from './WatchStore';
import { render, t, Text } from '../i18n/text';

export type { WatchContext };

/** `id`: the run's delivery id, when the caller names it before the run ends. */
export type Trigger = { kind: 'schedule' } | { kind: 'manual'; by: string; id?: string };

export type WatchRun =
    | { ran: true; delivered: Delivered; state: WatchState; change?: WatchChange; posted: boolean; resumed: boolean }
    /** The watch's own settings are unusable, or it is paused: nothing was sent. */
    | { ran: false; reason: Text };

export interface WatchStatus {
    state: WatchState;
    paused?: Pause;
}

/** A run's start mark outlives its own timeout by this much before it counts as never finished. */
export const START_GRACE_MS = 60 * 1000;

export class Watch {
    private queue: Promise<unknown> = Promise.resolve();
    /** A run is going (or queued) on this instance. */
    private running = false;
    /** The run queued behind it, which a "Test now" joins. */
    private waiting?: Promise<WatchRun>;

    constructor(
        private readonly settings: SettingsCache,
        private readonly sender: Sender,
        private readonly logger: Log,
        appId: string,
        private readonly store = new WatchStore(),
        private readonly alerts = new WatchAlerts(store, logger, appId),
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

    /**
     * One run, after any other of this instance (a scheduled run and a "Test now" never interleave).
     * At most one waits: a scheduled tick while a run is going is skipped, and a "Test now" while one
     * waits joins it, so a slow receiver and many clicks cannot pile runs up.
     */
    public run(context: WatchContext, trigger: Trigger): Promise<WatchRun> {
        if (this.running && trigger.kind === 'schedule') {
            this.logger.info('Webhook watch run skipped: the previous run is still going.');
            return Promise.resolve({ ran: false, reason: t('watch.stillGoing') });
        }
        if (this.waiting) {
            return this.waiting;
        }
        const started = this.running;
        const next = this.queue.then(() => {
            if (started) {
                this.waiting = undefined;
            }
            return this.runNow(context, trigger);
        });
        if (started) {
            this.waiting = next;
        }
        this.running = true;
        const settled = next.catch(() => undefined);
        this.queue = settled;
        settled.then(() => {
            if (this.queue === settled) {
                this.running = false;
            }
        });
        return next;
    }

    /** The state replayed from the kept runs; `unknown` at once when they went to another URL than today's. */
    public async status(read: IRead): Promise<WatchStatus> {
        // Not after the run in progress: a slow receiver must not keep the panel from opening.
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

    public async config(read: IRead): Promise<{ ok: true; config: WatchConfig } | { ok: false; reason: Text }> {
        return parseWatchConfig(await this.settings.get(read.getEnvironmentReader().getSettings()));
    }

    private async runNow(context: WatchContext, trigger: Trigger): Promise<WatchRun> {
        const settings = await this.settings.get(context.read.getEnvironmentReader().getSettings());
        const parsed = parseWatchConfig(settings);
        if (!parsed.ok) {
            this.logger.warn(`Webhook watch run skipped: ${render(parsed.reason, 'en')}`);
            return { ran: false, reason: parsed.reason };
        }
        const config = parsed.config;
        const reader = context.read.getPersistenceReader();
        const paused = await this.alerts.breaker(context, config);
        if (paused && trigger.kind === 'schedule') {
            this.logger.warn(
                `Webhook watch paused since ${paused.at} (run ${paused.runId} never finished): scheduled runs skip until someone presses Test now.`,
            );
            return { ran: false, reason: t('watch.paused', { run: paused.runId }) };
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
        const { change, posted } = await this.alerts.alert(context, config, run, replayed, delivery);
        const resumed = trigger.kind === 'manual' && !!paused && (await this.store.resume(reader, context.persis)) > 0;
        const serverSettings = context.read.getEnvironmentReader().getServerSettings();
        const readiness = judgeReadiness(await readWorkspace(serverSettings), delivered.target && delivered.target.url);
        const workspace = await this.alerts.workspace(context, config, readiness).catch((error) => {
            this.logger.warn(`Webhook watch: could not check the workspace's settings: ${error instanceof Error ? error.message : 'unknown error'}`);
            return undefined;
        });
        this.store.prune(reader, context.persis, state).catch((error) => {
            this.logger.warn(`Webhook watch: could not prune old runs: ${error instanceof Error ? error.message : 'unknown error'}`);
        });
        const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
        const what = trigger.kind === 'manual' ? `run by ${trigger.by}` : 'run';
        this.logger.info(
            `Webhook watch ${what} ${delivery.id}: event ${delivery.event} ->${status} ${delivery.verdict}; state ${state.state}` +
                (change ? ` (${change.kind}${posted ? ', posted' : ''})` : '') +
                (workspace ? `; the workspace's real deliveries ${workspace}` : '') +
                (resumed ? '; resumed' : ''),
        );
        return { ran: true, delivered, state, ...(change && { change }), posted, resumed };
    }
}
