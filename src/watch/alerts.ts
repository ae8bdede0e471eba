// What the health watch says in the alert room, and when: one alert per failing episode and one
// recovery, each claimed across instances before it is posted; the pause after a run that never
// finished (the circuit breaker).
import { IModify, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';

import type { Accessors } from '../runner/caller';
import type { Delivered } from '../runner/send';
import { Log } from '../util/log';
import { WatchConfig } from './config';
import { changeMessage, Message, pausedMessage, workspaceMessage } from './messages';
import type { Readiness } from '../readiness/judge';
import { workspaceLanguage } from '../i18n/language';
import type { Lang } from '../i18n/text';
import { KeptRun, replay, WatchChange } from './state';
import { Pause, WatchStore } from './WatchStore';

export interface WatchContext extends Accessors {
    /** Needed to post in the alert room. */
    modify?: IModify;
}

export class WatchAlerts {
    constructor(
        private readonly store: WatchStore,
        private readonly logger: Log,
        private readonly appId: string,
    ) {}

    /**
     * A run started here or on another instance that never got recorded (the app stopped during it):
     * pause the schedule, and say so once. Returns the pause in force, if any.
     */
    public async breaker(context: WatchContext, config: WatchConfig): Promise<Pause | undefined> {
        const reader = context.read.getPersistenceReader();
        const runs = await this.store.runs(reader, context.persis);
        const lost = await this.store.unfinished(reader, context.persis, runs, Date.now());
        if (lost.length > 0) {
            const pause: Pause = { runId: lost[0].id, startedAt: lost[0].startedAt, at: new Date().toISOString() };
            await this.store.pause(context.persis, pause);
            this.logger.error(`Webhook watch paused: run ${pause.runId} started ${new Date(pause.startedAt).toISOString()} and never finished.`);
            if (await this.store.claim(reader, context.persis, `paused:${pause.runId}`)) {
                await this.post(context, config, (lang) => pausedMessage(pause, this.appId, lang));
            }
        }
        return (await this.store.pauses(reader))[0];
    }

    /** The alert this run is the one to post, if any: each episode's is claimed once across instances. */
    public async alert(
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
        return { change, posted: await this.post(context, config, (lang) => changeMessage(change, delivery, this.appId, lang)) };
    }

    /**
     * Real deliveries stopped, or resumed, because of the workspace's own settings (URL emptied, every
     * flag off, Omnichannel off): one message each way, claimed across instances. The first run only
     * records what it sees: the readiness report already says it.
     */
    public async workspace(context: WatchContext, config: WatchConfig, readiness: Readiness): Promise<'stopped' | 'resumed' | undefined> {
        const sends = readiness.sends;
        if (sends === null) {
            // The server did not say (a setting unreadable): nothing changes on a hiccup.
            return undefined;
        }
        const reader = context.read.getPersistenceReader();
        const seen = await this.store.workspace(reader);
        if (seen && seen.sends === sends) {
            return undefined;
        }
        // The new state first: should this write fail, the next run sees the change again and tries again.
        await this.store.sawWorkspace(reader, context.persis, sends);
        if (!seen || !(await this.store.claim(reader, context.persis, `workspace:${seen.nonce}:${sends}`))) {
            return undefined;
        }
        await this.post(context, config, (lang) => workspaceMessage(readiness, this.appId, lang));
        return sends ? 'resumed' : 'stopped';
    }

    /** Posts as the app's bot in the alert room, in the workspace's language; a missing room or a failed post is logged, never thrown. */
    private async post(context: WatchContext, config: WatchConfig, compose: (lang: Lang) => Message): Promise<boolean> {
        if (!config.alertRoom || !context.modify) {
            return false;
        }
        try {
            const room = await findRoom(context.read, config.alertRoom);
            if (!room) {
                this.logger.warn(`Webhook watch: no room "${config.alertRoom.slice(0, 80)}" to post the alert in (watch_alert_room).`);
                return false;
            }
            const message = compose(await workspaceLanguage(context.read));
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
