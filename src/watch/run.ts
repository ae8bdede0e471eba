// The health watch: a test of the saved webhook URL on a schedule (or when someone asks), its runs
// kept in persistence, and one message in the alert room when the webhook starts failing and one
// when it recovers. A run is the same test as webhook.test, with no user and no rate limit; it goes
// into the delivery history only when it changes the state, so runs never push manual tests out.
// Instances of a cluster may run at once: every run is kept (its own record) and each alert is
// claimed before it is posted (WatchStore). A run that never finished pauses the schedule.
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';

import type { Call } from '../call/call';
import { newDeliveryId, report } from '../delivery/describe';
import { buildEventSample } from '../payloads/events';
import { usableSettings } from '../gate/access';
import type { Stores } from '../gate/stores';
import { Delivered, deliver, record } from '../delivery/send';
import { resolveTarget } from '../delivery/target';
import { settledBy } from '../util/settledBy';
import { parseWatchConfig, WatchConfig } from './config';
import { alert, breaker, workspaceChange } from './alerts';
import { judgeReadiness } from '../readiness/judge';
import { readWorkspace } from '../readiness/workspace';
import { INITIAL_STATE, KeptRun, replay, WatchChange, WatchState } from './state';
import { Pause, urlKeyOf } from './WatchStore';
import { Counts, countsOf } from '../traffic/counts';
import { sentWithin } from '../traffic/journal';
import { render, t, Text } from '../i18n/text';
import { WATCH_ACTOR } from './messages';

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

/** What the scheduler calls: never throws into it, and returns within the engine's budget (a longer run goes on). */
export async function scheduledRun(stores: Stores, call: Call): Promise<void> {
    const failed = (error: unknown) =>
        call.log.error(`Webhook watch run failed: ${error instanceof Error ? error.message : 'unknown error'}; the next run goes on.`);
    const run = runWatch(stores, call, { kind: 'schedule' });
    run.catch(failed);
    const done = await settledBy(run, Date.now() + stores.budgets.engineMs).catch(() => null);
    if (done === undefined) {
        call.log.warn(`Webhook watch run still going after ${stores.budgets.engineMs / 1000} s: it goes on; its outcome is kept when it ends.`);
    }
}

/** One run, after any other of this instance (WatchQueue). `call.modify` posts the alerts. */
export function runWatch(stores: Stores, call: Call, trigger: Trigger): Promise<WatchRun> {
    return stores.watchQueue.enqueue(
        trigger.kind === 'schedule',
        () => runNow(stores, call, trigger),
        () => {
            call.log.info('Webhook watch run skipped: the previous run is still going.');
            return { ran: false, reason: t('watch.stillGoing') };
        },
    );
}

/** The state replayed from the kept runs; `unknown` at once when they went to another URL than today's. */
export async function watchStatus(stores: Stores, read: IRead): Promise<WatchStatus> {
    // Not after the run in progress: a slow receiver must not keep the panel from opening.
    const reader = read.getPersistenceReader();
    const [runs, pauses, settings] = await Promise.all([
        stores.watchStore.runs(reader),
        stores.watchStore.pauses(reader),
        stores.settings.get(read.getEnvironmentReader().getSettings()),
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

export async function watchConfig(stores: Stores, read: IRead): Promise<{ ok: true; config: WatchConfig } | { ok: false; reason: Text }> {
    return parseWatchConfig(await stores.settings.get(read.getEnvironmentReader().getSettings()));
}

async function runNow(stores: Stores, call: Call, trigger: Trigger): Promise<WatchRun> {
    const settings = await stores.settings.get(call.read.getEnvironmentReader().getSettings());
    const parsed = parseWatchConfig(settings);
    if (!parsed.ok) {
        call.log.warn(`Webhook watch run skipped: ${render(parsed.reason, 'en')}`);
        return { ran: false, reason: parsed.reason };
    }
    const config = parsed.config;
    const reader = call.read.getPersistenceReader();
    const alerts = {
        call,
        store: stores.watchStore,
        appId: stores.appId,
        config,
        sentBetween: (from: number, to: number) => sentBetween(stores, call, from, to),
    };
    const paused = await breaker(alerts);
    if (paused && trigger.kind === 'schedule') {
        call.log.warn(`Webhook watch paused since ${paused.at} (run ${paused.runId} never finished): scheduled runs skip until someone presses Test now.`);
        return { ran: false, reason: t('watch.paused', { run: paused.runId }) };
    }

    const now = new Date();
    const id = (trigger.kind === 'manual' && trigger.id) || newDeliveryId();
    const payload = {
        event: config.event,
        body: JSON.stringify(buildEventSample(config.event, now)),
        source: { kind: 'watch' as const, scheduled: trigger.kind === 'schedule' },
    };
    const by = trigger.kind === 'manual' ? trigger.by : WATCH_ACTOR;
    const ready = usableSettings(settings);
    const timeoutMs = 'timeoutMs' in ready ? ready.timeoutMs : 0;
    const mark = await stores.watchStore.start(call.persis, { id, startedAt: now.getTime(), deadline: now.getTime() + timeoutMs + START_GRACE_MS });
    let delivered: Delivered;
    let run: KeptRun;
    try {
        if ('timeoutMs' in ready) {
            delivered = await deliver(stores, call, { settings, ready, payload, by, id });
        } else {
            // A setting keeps every delivery from going out: a failed run whose alert says which.
            const fields = { id, event: config.event, source: payload.source, webhookId: id, signed: false, secretsSent: false };
            const delivery = report(fields, { verdict: 'not-sent', errorKind: 'invalid-setting', hint: ready.reason });
            // The URL it would have gone to: a setting error is not a new URL.
            const target = await resolveTarget(settings.webhookUrl, call.read.getEnvironmentReader().getServerSettings());
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
        await stores.watchStore.addRun(call.persis, run);
    } finally {
        await stores.watchStore.finish(call.persis, mark).catch(() => undefined);
    }
    const delivery = delivered.outcome.delivery!;

    const runs = await stores.watchStore.runs(reader);
    const replayed = replay(runs.some((kept) => kept.id === run.id) ? runs : [...runs, run], config.failuresToAlert);
    const state = replayed.state;
    if (replayed.changed.has(run.id) && delivered.entry) {
        record(stores, call, delivered.entry);
    }
    const { change, posted } = await alert(alerts, run, replayed, delivery);
    const resumed = trigger.kind === 'manual' && !!paused && (await stores.watchStore.resume(reader, call.persis)) > 0;
    const serverSettings = call.read.getEnvironmentReader().getServerSettings();
    const readiness = judgeReadiness(await readWorkspace(serverSettings), delivered.target && delivered.target.url);
    const workspace = await workspaceChange(alerts, readiness).catch((error) => {
        call.log.warn(`Webhook watch: could not check the workspace's settings: ${error instanceof Error ? error.message : 'unknown error'}`);
        return undefined;
    });
    stores.watchStore.prune(reader, call.persis, state).catch((error) => {
        call.log.warn(`Webhook watch: could not prune old runs: ${error instanceof Error ? error.message : 'unknown error'}`);
    });
    const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
    const what = trigger.kind === 'manual' ? `run by ${trigger.by}` : 'run';
    call.log.info(
        `Webhook watch ${what} ${delivery.id}: event ${delivery.event} ->${status} ${delivery.verdict}; state ${state.state}` +
            (change ? ` (${change.kind}${posted ? ', posted' : ''})` : '') +
            (workspace ? `; the workspace's real deliveries ${workspace}` : '') +
            (resumed ? '; resumed' : ''),
    );
    return { ran: true, delivered, state, ...(change && { change }), posted, resumed };
}

/** The deliveries Rocket.Chat made between two times, from the traffic journal. */
async function sentBetween(stores: Stores, call: Call, from: number, to: number): Promise<Counts> {
    return countsOf(sentWithin(await stores.journal.all(call.read.getPersistenceReader()), from, to));
}
