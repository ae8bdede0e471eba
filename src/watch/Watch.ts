// The health watch: a test of the saved webhook URL on a schedule (or when someone asks), its state
// kept in persistence, and one message in the alert room when the webhook starts failing and one
// when it recovers. A run is the same test as webhook.test, with no user and no rate limit; it goes
// into the delivery history only when it changes the state, so runs never push manual tests out.
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
import { parseWatchConfig, WatchConfig } from './config';
import { changeMessage, Message } from './messages';
import { RunSummary, transition, WatchChange, WatchState } from './state';
import { urlKeyOf, WatchStore } from './WatchStore';

export interface WatchContext extends Accessors {
    /** Needed to post in the alert room. */
    modify?: IModify;
}

export type Trigger = { kind: 'schedule' } | { kind: 'manual'; by: string };

export type WatchRun =
    | { ran: true; delivered: Delivered; state: WatchState; change?: WatchChange; posted: boolean }
    /** The watch's own settings are unusable: nothing was sent. */
    | { ran: false; reason: string };

export class Watch {
    private queue: Promise<unknown> = Promise.resolve();

    constructor(
        private readonly settings: SettingsCache,
        private readonly sender: Sender,
        private readonly logger: Log,
        private readonly appId: string,
        private readonly store = new WatchStore(),
    ) {}

    /** What the scheduler calls: never throws into it, whatever fails. */
    public async scheduled(context: WatchContext): Promise<void> {
        try {
            await this.run(context, { kind: 'schedule' });
        } catch (error) {
            this.logger.error(`Webhook watch run failed: ${error instanceof Error ? error.message : 'unknown error'}; the next run goes on.`);
        }
    }

    /** One run, after any other of this instance (a scheduled run and a "Test now" never interleave). */
    public run(context: WatchContext, trigger: Trigger): Promise<WatchRun> {
        const next = this.queue.then(() => this.runNow(context, trigger));
        this.queue = next.catch(() => undefined);
        return next;
    }

    public async state(read: IRead): Promise<WatchState> {
        await this.queue;
        return this.store.load(read.getPersistenceReader());
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
        const now = new Date();
        const payload = { event: config.event, body: JSON.stringify(buildEventSample(config.event, now)), source: { kind: 'watch' as const } };
        const by = trigger.kind === 'manual' ? trigger.by : 'watch';
        const ready = usableSettings(settings);
        let delivered: Delivered;
        if ('timeoutMs' in ready) {
            delivered = await this.sender.deliver(context, { settings, ready, payload, by });
        } else {
            // A setting keeps every delivery from going out: a failed run whose alert says which.
            const id = newDeliveryId();
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
        const summary: RunSummary = {
            id: delivery.id,
            sentAt: delivery.sentAt || now.toISOString(),
            verdict: delivery.verdict,
            ...(delivery.status !== undefined && { status: delivery.status }),
            ...(delivery.errorKind && { errorKind: delivery.errorKind }),
            ...(delivery.durationMs !== undefined && { durationMs: delivery.durationMs }),
        };
        const reader = context.read.getPersistenceReader();
        const step = transition(await this.store.load(reader), summary, {
            failuresToAlert: config.failuresToAlert,
            urlKey: urlKeyOf(delivered.target ? delivered.target.url : ''),
        });
        await this.store.save(context.persis, reader, step.next);
        if (step.changed && delivered.entry) {
            this.sender.record(context, delivered.entry);
        }
        const posted = step.change ? await this.post(context, config, changeMessage(step.change, delivery, this.appId)) : false;
        const status = delivery.status === undefined ? '' : ` ${delivery.status}`;
        const what = trigger.kind === 'manual' ? `run by ${trigger.by}` : 'run';
        this.logger.info(
            `Webhook watch ${what} ${delivery.id}: event ${delivery.event} ->${status} ${delivery.verdict}; state ${step.next.state}` +
                (step.change ? ` (${step.change.kind}${posted ? ', posted' : ''})` : ''),
        );
        return { ran: true, delivered, state: step.next, change: step.change, posted };
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
