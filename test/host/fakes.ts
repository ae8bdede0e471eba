// Fakes of what the Rocket.Chat host owns (settings stores, logger, notifier, message builder),
// shaped after the engine's own accessors. Anything the app touches that is not implemented
// here throws, so a new dependency of the app shows up as a loud test failure.
import { ILogger, IMessageBuilder, INotifier, IServerSettingRead, ISettingRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ILogEntry, LogMessageSeverity } from '@rocket.chat/apps-engine/definition/accessors/ILogEntry';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { RocketChatAssociationModel } from '@rocket.chat/apps-engine/definition/metadata';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { ISetting, SettingType } from '@rocket.chat/apps-engine/definition/settings';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

/** Wraps a partial implementation so that any other member throws when used. */
export function loud<T extends object>(name: string, implementation: Partial<T> = {}): T {
    return new Proxy(implementation as T, {
        get(target, property, receiver) {
            if (property in target || typeof property === 'symbol' || property === 'then') {
                return Reflect.get(target, property, receiver);
            }
            throw new Error(`test host: ${name}.${String(property)} is not implemented`);
        },
    });
}

/** The app's own settings, as the engine's SettingRead serves them (value, else packageValue). */
export class AppSettingsStore implements ISettingRead {
    private readonly settings = new Map<string, ISetting>();

    public provide(setting: ISetting): void {
        if (this.settings.has(setting.id)) {
            throw new Error(`Setting "${setting.id}" was provided twice`);
        }
        this.settings.set(setting.id, { ...setting });
    }

    /** A value stored before the app started (no onSettingUpdated: nothing changed). */
    public restore(id: string, value: unknown): void {
        const setting = this.settings.get(id);
        if (setting) {
            setting.value = value;
        }
    }

    /** As the engine after an admin saves a setting: the app's onSettingUpdated is called (see LocalHost). */
    public onUpdated?: (setting: ISetting) => void;

    public set(id: string, value: unknown): void {
        const setting = this.settings.get(id);
        if (!setting) {
            throw new Error(`test host: the app provides no setting "${id}"`);
        }
        setting.value = value;
        this.onUpdated?.({ ...setting });
    }

    public provided(): Array<ISetting> {
        return [...this.settings.values()];
    }

    public async getById(id: string): Promise<ISetting> {
        return this.settings.get(id) as ISetting;
    }

    /** Reads of a setting so far: each is a round trip to the host in the real runtime. */
    public reads = 0;

    public async getValueById(id: string): Promise<any> {
        this.reads++;
        const setting = this.settings.get(id);
        if (!setting) {
            throw new Error(`Setting "${id}" does not exist.`);
        }
        return setting.value === undefined || setting.value === null ? setting.packageValue : setting.value;
    }
}

/** The workspace's settings as the engine's ServerSettingRead serves them; some may be refused to apps. */
/** Rocket.Chat's Omnichannel webhook settings with their defaults (apps/meteor/server/settings/omnichannel.ts). */
export const OMNICHANNEL_DEFAULTS: Array<[string, unknown]> = [
    // The workspace's language (Administration → Settings → General): none chosen by default.
    ['Language', ''],
    ['Livechat_enabled', true],
    ['Livechat_webhookUrl', ''],
    ['Livechat_secret_token', ''],
    ['Livechat_http_timeout', 5000],
    ['Livechat_webhook_on_start', false],
    ['Livechat_webhook_on_close', false],
    ['Livechat_webhook_on_chat_taken', false],
    ['Livechat_webhook_on_chat_queued', false],
    ['Livechat_webhook_on_forward', false],
    ['Livechat_webhook_on_offline_msg', false],
    ['Livechat_webhook_on_visitor_message', false],
    ['Livechat_webhook_on_agent_message', false],
    ['Livechat_webhook_on_capture', false],
];

/** Settings Rocket.Chat marks `secret`: its bridge refuses them to apps. */
export const SECRET_SETTINGS = new Set(['Livechat_secret_token']);

/** What Rocket.Chat's settings bridge throws for a secret setting, or one it does not have. */
export function notReadable(id: string): Error {
    return new Error(`The setting "${id}" is not readable.`);
}

export class ServerSettingsStore implements IServerSettingRead {
    private readonly values = new Map<string, unknown>(OMNICHANNEL_DEFAULTS);
    private readonly refused = new Set<string>(SECRET_SETTINGS);

    public set(id: string, value: unknown): void {
        this.values.set(id, value);
    }

    public refuse(id: string): void {
        this.refused.add(id);
    }

    /** Reads so far, by setting id. */
    public readonly reads: Array<string> = [];

    public async getOneById(id: string): Promise<ISetting> {
        this.reads.push(id);
        if (this.refused.has(id) || !this.values.has(id)) {
            throw notReadable(id);
        }
        return { id, type: SettingType.STRING, packageValue: '', value: this.values.get(id), required: false, public: true, i18nLabel: id };
    }

    public async getValueById(id: string): Promise<any> {
        const setting = await this.getOneById(id);
        return setting.value === undefined || setting.value === null ? setting.packageValue : setting.value;
    }

    public async getAll(): Promise<IterableIterator<ISetting>> {
        const all = await Promise.all([...this.values.keys()].filter((id) => !this.refused.has(id)).map((id) => this.getOneById(id)));
        return all[Symbol.iterator]();
    }

    public async isReadableById(id: string): Promise<boolean> {
        return this.values.has(id) && !this.refused.has(id);
    }
}

/**
 * The app logger. As in the engine, every call gets its own logger (`forCall`), whose entries are
 * stored when the call ends: what the app writes to a logger after its call ended is lost (counted in
 * `lost`). The host's logger gathers every stored entry, so tests read what an admin would see.
 */
export class CapturingLogger implements ILogger {
    public method: ILogger['method'] = 'initialize';
    private readonly startedAt = new Date();
    private closed = false;

    /** Which call into the app this logger is for (1, 2, …; 0: the constructor's). */
    public call = 0;

    constructor(
        private readonly echo = false,
        public readonly entries: Array<ILogEntry & { call: number }> = [],
        private readonly counts = { lost: 0, calls: 0 },
    ) {}

    /** Entries written to closed call loggers. */
    public get lost(): number {
        return this.counts.lost;
    }

    public forCall(method: ILogger['method']): CapturingLogger {
        const logger = new CapturingLogger(this.echo, this.entries, this.counts);
        logger.method = method;
        logger.call = ++this.counts.calls;
        return logger;
    }

    public close(): void {
        this.closed = true;
    }

    public debug(...items: Array<any>): void {
        this.add(LogMessageSeverity.DEBUG, items);
    }
    public info(...items: Array<any>): void {
        this.add(LogMessageSeverity.INFORMATION, items);
    }
    public log(...items: Array<any>): void {
        this.add(LogMessageSeverity.LOG, items);
    }
    public warn(...items: Array<any>): void {
        this.add(LogMessageSeverity.WARNING, items);
    }
    public error(...items: Array<any>): void {
        this.add(LogMessageSeverity.ERROR, items);
    }
    public success(...items: Array<any>): void {
        this.add(LogMessageSeverity.SUCCESS, items);
    }
    public getEntries(): Array<ILogEntry> {
        return this.entries;
    }
    public getMethod(): ILogger['method'] {
        return this.method;
    }
    public getStartTime(): Date {
        return this.startedAt;
    }
    public getEndTime(): Date {
        return new Date();
    }
    public getTotalTime(): number {
        return Date.now() - this.startedAt.getTime();
    }

    /** Everything logged, as one text, for "is this secret anywhere?" checks. */
    public text(): string {
        return this.entries.map((entry) => `${entry.severity}: ${entry.args.map(String).join(' ')}`).join('\n');
    }

    private add(severity: LogMessageSeverity, args: Array<any>): void {
        if (this.closed) {
            this.counts.lost++;
            return;
        }
        this.entries.push({ severity, args, timestamp: new Date(), method: this.method, call: this.call });
        if (this.echo) {
            console.log(`[app ${severity}]`, ...args);
        }
    }
}

/** The engine's MessageBuilder, for the parts a text or block message needs. */
export function createMessageBuilder(): IMessageBuilder {
    const message: Partial<IMessage> = {};
    const builder: Partial<IMessageBuilder> = { kind: RocketChatAssociationModel.MESSAGE };
    const field = <K extends keyof IMessage>(key: K) => ({
        set: (value: IMessage[K]) => {
            message[key] = value;
            return builder as IMessageBuilder;
        },
        get: () => message[key] as any,
    });
    const room = field('room');
    const sender = field('sender');
    const text = field('text');
    const groupable = field('groupable');
    const blocks = field('blocks');
    Object.assign(builder, {
        setRoom: room.set,
        getRoom: room.get,
        setSender: sender.set,
        getSender: sender.get,
        setText: text.set,
        getText: text.get,
        setGroupable: groupable.set,
        getGroupable: groupable.get,
        setBlocks: (value: any) => blocks.set(Array.isArray(value) ? value : value.getBlocks()),
        getBlocks: blocks.get,
        getMessage() {
            if (!message.room) {
                // As the engine's builder does.
                throw new Error('The "room" property is required.');
            }
            return message as IMessage;
        },
    });
    return loud<IMessageBuilder>('MessageBuilder', builder);
}

export interface Notification {
    to: IUser;
    message: IMessage;
}

/** The notifier: private messages to one user ("only you can see this"); room notifications are recorded apart. */
export class CapturingNotifier {
    public readonly toUsers: Array<Notification> = [];
    public readonly toRooms: Array<{ room: IRoom; message: IMessage }> = [];

    public asNotifier(): INotifier {
        return loud<INotifier>('Notifier', {
            notifyUser: async (user: IUser, message: IMessage) => {
                this.toUsers.push({ to: user, message });
            },
            notifyRoom: async (room: IRoom, message: IMessage) => {
                this.toRooms.push({ room, message });
            },
            getMessageBuilder: () => createMessageBuilder(),
        });
    }
}
