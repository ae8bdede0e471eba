// What the health watch says in the alert room, and when: one alert per failing episode and one
// recovery, each claimed across instances before it is posted; the pause after a run that never
// finished (the circuit breaker).
import { IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';

import type { Call } from '../call/call';
import type { Delivered } from '../delivery/send';
import { WatchConfig } from './config';
import { changeMessage, Message, pausedMessage, workspaceMessage } from './messages';
import type { Readiness } from '../readiness/judge';
import type { Counts } from '../traffic/counts';
import { workspaceLanguage } from '../i18n/language';
import type { Lang } from '../i18n/text';
import { KeptRun, replay, WatchChange } from './state';
import { Pause, WatchStore } from './WatchStore';

/** Where the watch's alerts go and what they are kept in: the run's call (its `modify` posts in the alert room). */
export interface AlertContext {
    call: Call;
    store: WatchStore;
    appId: string;
    config: WatchConfig;
    /** The real deliveries Rocket.Chat made in a time window (ms), counted per event type: what an outage may have lost. */
    sentBetween: (from: number, to: number) => Promise<Counts>;
}

/**
 * A run started here or on another instance that never got recorded (the app stopped during it):
 * pause the schedule, and say so once. Returns the pause in force, if any.
 */
export async function breaker(context: AlertContext): Promise<Pause | undefined> {
    const { call, store } = context;
    const reader = call.read.getPersistenceReader();
    const runs = await store.runs(reader, call.persis);
    const lost = await store.unfinished(reader, call.persis, runs, Date.now());
    if (lost.length > 0) {
        const pause: Pause = { runId: lost[0].id, startedAt: lost[0].startedAt, at: new Date().toISOString() };
        await store.pause(call.persis, pause);
        call.log.error(`Webhook watch paused: run ${pause.runId} started ${new Date(pause.startedAt).toISOString()} and never finished.`);
        if (await store.claim(reader, call.persis, `paused:${pause.runId}`)) {
            await post(context, (lang) => pausedMessage(pause, context.appId, lang));
        }
    }
    return (await store.pauses(reader))[0];
}

/** The alert this run is the one to post, if any: each episode's is claimed once across instances. */
export async function alert(
    context: AlertContext,
    run: KeptRun,
    replayed: ReturnType<typeof replay>,
    delivery: NonNullable<Delivered['outcome']['delivery']>,
): Promise<{ change?: WatchChange; posted: boolean }> {
    const { call, store } = context;
    const reader = call.read.getPersistenceReader();
    const { state, recovery, episode } = replayed;
    const claimed = await store.claimed(reader);
    let change: WatchChange | undefined;
    if (run.verdict !== 'delivered' && episode && state.firstFailureAt) {
        const key = `failing:${episode}`;
        if (!claimed.has(key) && (await store.claim(reader, call.persis, key))) {
            change = { kind: 'failing', since: state.firstFailureAt, failedRuns: state.consecutiveFailures };
        }
    } else if (run.verdict === 'delivered' && recovery && claimed.has(`failing:${recovery.episode}`)) {
        const key = `recovered:${recovery.episode}`;
        if (!claimed.has(key) && (await store.claim(reader, call.persis, key))) {
            const { runId: _runId, episode: _episode, ...facts } = recovery;
            change = facts;
        }
    }
    if (!change) {
        return { posted: false };
    }
    const atRisk =
        change.kind === 'recovered' && change.riskFrom && change.riskTo
            ? await context.sentBetween(Date.parse(change.riskFrom), Date.parse(change.riskTo)).catch(() => undefined)
            : undefined;
    return { change, posted: await post(context, (lang) => changeMessage(change, delivery, context.appId, lang, atRisk)) };
}

/**
 * Real deliveries stopped, or resumed, because of the workspace's own settings (URL emptied, every
 * flag off, Omnichannel off): one message each way, claimed across instances. The first run only
 * records what it sees: the readiness report already says it.
 */
export async function workspaceChange(context: AlertContext, readiness: Readiness): Promise<'stopped' | 'resumed' | undefined> {
    const { call, store } = context;
    const sends = readiness.sends;
    if (sends === null) {
        // The server did not say (a setting unreadable): nothing changes on a hiccup.
        return undefined;
    }
    const reader = call.read.getPersistenceReader();
    const seen = await store.workspace(reader);
    if (seen && seen.sends === sends) {
        return undefined;
    }
    // The new state first: should this write fail, the next run sees the change again and tries again.
    await store.sawWorkspace(reader, call.persis, sends);
    if (!seen || !(await store.claim(reader, call.persis, `workspace:${seen.nonce}:${sends}`))) {
        return undefined;
    }
    await post(context, (lang) => workspaceMessage(readiness, context.appId, lang));
    return sends ? 'resumed' : 'stopped';
}

/** Posts as the app's bot in the alert room, in the workspace's language; a missing room or a failed post is logged, never thrown. */
async function post({ call, config }: AlertContext, compose: (lang: Lang) => Message): Promise<boolean> {
    if (!config.alertRoom || !call.modify) {
        return false;
    }
    try {
        const room = await findRoom(call.read, config.alertRoom);
        if (!room) {
            call.log.warn(`Webhook watch: no room "${config.alertRoom.slice(0, 80)}" to post the alert in (watch_alert_room).`);
            return false;
        }
        const message = compose(await workspaceLanguage(call.read));
        const creator = call.modify.getCreator();
        const builder = creator.startMessage().setRoom(room).setText(message.text).setBlocks(message.blocks).setGroupable(false);
        const appUser = await call.read.getUserReader().getAppUser();
        if (appUser) {
            builder.setSender(appUser);
        }
        await creator.finish(builder);
        return true;
    } catch (error) {
        call.log.warn(`Webhook watch: could not post in the alert room: ${error instanceof Error ? error.message : 'unknown error'}`);
        return false;
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
