// The local host used by the tests and `npm start`: it loads the app the way the engine does
// (construct, initialize with a configuration accessor), keeps what the app registers, and calls
// the endpoint's `post` and the command's `executor` with accessors backed by the fakes in
// fakes.ts and a real loopback IHttp.
import * as fs from 'fs';
import * as path from 'path';

import {
    IAppAccessors,
    IConfigurationExtend,
    IConfigurationModify,
    IEnvironmentRead,
    ILogger,
    IModify,
    IModifyCreator,
    IPersistence,
    IRead,
    RequestMethod,
} from '@rocket.chat/apps-engine/definition/accessors';
import { IApi, IApiEndpoint, IApiRequest, IApiResponse } from '@rocket.chat/apps-engine/definition/api';
import { App } from '@rocket.chat/apps-engine/definition/App';
import { IMessage } from '@rocket.chat/apps-engine/definition/messages';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { IRoom, RoomType } from '@rocket.chat/apps-engine/definition/rooms';
import { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';
import { IUser, UserStatusConnection, UserType } from '@rocket.chat/apps-engine/definition/users';

import {
    IUIKitResponse,
    UIKitActionButtonInteractionContext,
    UIKitBlockInteractionContext,
    UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';
import { UIKitIncomingInteractionContainerType } from '@rocket.chat/apps-engine/definition/uikit/UIKitIncomingInteractionContainer';

import { ClientTriggers } from './clientTriggers';
import { AppSettingsStore, CapturingLogger, CapturingNotifier, createMessageBuilder, loud, ServerSettingsStore } from './fakes';
import { LoopbackHttp } from './loopbackHttp';
import { LocalScheduler } from './scheduler';
import { PersistenceStore, RoomStore } from './storage';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The engine's method for each Omnichannel event interface. */
export const EVENT_METHODS = {
    IPostLivechatRoomStarted: 'executePostLivechatRoomStarted',
    IPostLivechatAgentAssigned: 'executePostLivechatAgentAssigned',
    IPostLivechatRoomTransferred: 'executePostLivechatRoomTransferred',
    IPostLivechatRoomClosed: 'executePostLivechatRoomClosed',
    IPostLivechatRoomSaved: 'executePostLivechatRoomSaved',
    IPostLivechatGuestSaved: 'executePostLivechatGuestSaved',
    IPostMessageSent: 'executePostMessageSent',
} as const;

export type AppClass = new (info: IAppInfo, logger: CapturingLogger, accessors: IAppAccessors) => App;

export function readAppInfo(): IAppInfo {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
}

/** A user as Rocket.Chat's user converter hands it to apps: `settings.preferences` carries only the language, when one is set. */
export function makeUser(username: string, roles: Array<string>, language?: string): IUser {
    const now = new Date();
    return {
        settings: { preferences: { ...(language && { language }) } },
        id: `${username}-id`,
        username,
        name: username,
        emails: [{ address: `${username}@example.com`, verified: true }],
        type: UserType.USER,
        isEnabled: true,
        roles,
        status: 'online',
        statusConnection: UserStatusConnection.ONLINE,
        utcOffset: 0,
        createdAt: now,
        updatedAt: now,
        lastLoginAt: now,
    };
}

export const APP_USER = { ...makeUser('livechat-webhook-test.bot', ['app']), type: UserType.APP };

export const GENERAL_ROOM: IRoom = {
    id: 'GENERAL',
    slugifiedName: 'general',
    displayName: 'general',
    type: RoomType.CHANNEL,
    creator: makeUser('rocket.cat', ['bot']),
    usernames: [],
};

/** The channel the health watch posts in, in the tests, the demo and the pictures. */
export const ALERTS_ROOM: IRoom = { ...GENERAL_ROOM, id: 'room-alerts', slugifiedName: 'webhook-alerts', displayName: 'webhook-alerts' };

export interface EndpointCall {
    user?: IUser;
    headers?: { [name: string]: string };
    content?: unknown;
    query?: { [name: string]: string };
}

export class LocalHost {
    public readonly settings = new AppSettingsStore();
    public readonly serverSettings = new ServerSettingsStore();
    public readonly notifier = new CapturingNotifier();
    public readonly http = new LoopbackHttp();
    /** The workspace's rooms, messages and users: one for all instances of a cluster. */
    public rooms = new RoomStore();
    public readonly scheduler: LocalScheduler;
    /** Messages the app created in rooms (modify.getCreator().finish), as its bot posts them. */
    public readonly roomMessages: Array<IMessage> = [];
    /** Action buttons the app registered (configuration.ui.registerButton). */
    public readonly actionButtons: Array<any> = [];
    /** What the app asked the UI to show (modify.getUiController()), as Rocket.Chat would notify the user's client. */
    public readonly surfaces: Array<{ kind: 'open' | 'update' | 'error'; view: any; triggerId?: string; user: IUser }> = [];
    /** Views the client would drop: their triggerId is older than 5 s, or not one the client made. */
    public readonly droppedSurfaces: Array<{ kind: 'open' | 'update' | 'error'; view: any; triggerId?: string; user: IUser }> = [];
    /** The engine skips scheduled jobs of a disabled app. */
    public enabled = true;
    public readonly apis: Array<IApi> = [];
    public readonly commands: Array<ISlashCommand> = [];
    public readonly app: App;

    /**
     * `store`: the app's persistence. Another LocalHost built over the same store is another app
     * instance of a cluster (or the app after a restart): memory apart, persistence shared.
     */
    private constructor(
        AppCtor: AppClass,
        public readonly info: IAppInfo,
        public readonly logger: CapturingLogger,
        public readonly store: PersistenceStore,
    ) {
        this.scheduler = new LocalScheduler(info.id);
        this.app = new AppCtor(info, logger.forCall('constructor' as ILogger['method']), loud<IAppAccessors>('AppAccessors'));
        // The engine calls onSettingUpdated after every change of a setting (and awaits it).
        this.settings.onUpdated = (setting) => {
            const handler = (this.app as unknown as { onSettingUpdated?: App['onSettingUpdated'] }).onSettingUpdated;
            if (handler) {
                this.settingUpdates.push(
                    this.withCallLogger('onSettingUpdated' as ILogger['method'], (app) =>
                        handler.call(app, setting, this.configurationModify(), this.read(), this.http),
                    ),
                );
            }
        };
    }

    /** The onSettingUpdated calls made so far (the engine awaits each; tests may too). */
    public readonly settingUpdates: Array<Promise<void>> = [];

    /** Waits for the onSettingUpdated calls made so far, as the engine does before it answers the admin. */
    public async settingsApplied(): Promise<void> {
        await Promise.all(this.settingUpdates);
    }

    /**
     * Fires a scheduled job as Rocket.Chat's Agenda does: the job's data plus its `jobId` as the job
     * context; skipped while the app is disabled, as the engine's scheduler manager skips it.
     */
    public async fireJob(id: string): Promise<boolean> {
        const name = this.scheduler.name(id);
        const processor = this.scheduler.processors.get(name);
        if (!processor) {
            throw new Error(`test host: the app registered no processor "${id}"`);
        }
        if (!this.enabled) {
            return false;
        }
        const job = this.scheduler.jobs.get(name);
        const context = { ...(job ? job.data : {}), jobId: `job-of-${name}` };
        await this.withCallLogger(`scheduler:${name}` as ILogger['method'], (app) =>
            processor.call(app, context, this.read(), this.modify(), this.http, this.persistence()),
        );
        return true;
    }

    /**
     * Tells the app of an Omnichannel event as the engine's listener manager does: only for an
     * interface app.json `implements`, each call with its own logger; for IPostMessageSent the app's
     * checkPostMessageSent decides first (a call of its own). Answers whether the execute ran.
     */
    public async fireEvent(event: keyof typeof EVENT_METHODS, data: unknown): Promise<boolean> {
        if (!(this.info.implements as unknown as Array<string>).includes(event)) {
            return false;
        }
        const app = this.app as unknown as { [method: string]: (...args: Array<unknown>) => Promise<unknown> };
        if (event === 'IPostMessageSent' && typeof app.checkPostMessageSent === 'function') {
            const goOn = await this.withCallLogger('checkPostMessageSent' as ILogger['method'], (proxy) =>
                (proxy as unknown as typeof app).checkPostMessageSent(data, this.read(), this.http),
            );
            if (!goOn) {
                return false;
            }
        }
        const method = EVENT_METHODS[event];
        await this.withCallLogger(method as ILogger['method'], (proxy) =>
            (proxy as unknown as typeof app)[method](data, this.read(), this.http, this.persistence(), this.modify()),
        );
        return true;
    }

    /** Constructs and initializes the app, as the engine does when it enables an app. */
    /** `settings`: values already stored (a restart, another instance), in place before the app is enabled. */
    public static async load(
        AppCtor: AppClass,
        options: { echoLogs?: boolean; store?: PersistenceStore; settings?: { [id: string]: unknown }; rooms?: RoomStore } = {},
    ): Promise<LocalHost> {
        const host = new LocalHost(AppCtor, readAppInfo(), new CapturingLogger(options.echoLogs), options.store || new PersistenceStore());
        if (options.rooms) {
            host.rooms = options.rooms;
        }
        await host.withCallLogger('initialize' as ILogger['method'], (app) => host.app.initialize.call(app, host.configuration(), host.environment()));
        for (const [id, value] of Object.entries(options.settings || {})) {
            host.settings.restore(id, value);
        }
        // Then the engine enables it (again after every restart).
        await host.withCallLogger('onEnable' as ILogger['method'], (app) => host.app.onEnable.call(app, host.environment(), host.configurationModify()));
        return host;
    }

    /**
     * As Apps-Engine 1.62 does: a fresh logger for each call into the app, stored (closed) when the
     * call ends, handed to app code only through a proxy of the app made for the call (`this` of an
     * App method or a processor; the property holding the app, of an endpoint or a command). The app
     * object's own logger stays the constructor's, which no call stores: a line written there is lost.
     */
    private async withCallLogger<T>(method: ILogger['method'], call: (app: App) => Promise<T>): Promise<T> {
        const logger = this.logger.forCall(method);
        const app = new Proxy(this.app, { get: (target, property, receiver) => (property === 'logger' ? logger : Reflect.get(target, property, receiver)) });
        try {
            return await call(app);
        } finally {
            logger.close();
        }
    }

    /** An endpoint or a command as 1.62 hands it to one call: its property holding the app answers the call's proxy. */
    private static composedWith<T extends object>(composed: T, app: App): T {
        const entry = Object.entries(composed).find(
            ([, value]) => !!value && typeof (value as { extendConfiguration?: unknown }).extendConfiguration === 'function',
        );
        if (!entry) {
            return composed;
        }
        return new Proxy(composed, { get: (target, property, receiver) => (property === entry[0] ? app : Reflect.get(target, property, receiver)) });
    }

    public endpoint(path: string): IApiEndpoint {
        const endpoint = this.apis.flatMap((api) => api.endpoints).find((candidate) => candidate.path === path);
        if (!endpoint) {
            throw new Error(`test host: the app registered no endpoint "${path}"`);
        }
        return endpoint;
    }

    public command(name: string): ISlashCommand {
        const command = this.commands.find((candidate) => candidate.command === name);
        if (!command) {
            throw new Error(`test host: the app registered no slash command "${name}"`);
        }
        return command;
    }

    /** Calls the endpoint's `post` the way the engine's API executor does (header names lower-cased). */
    public post(path: string, call: EndpointCall = {}): Promise<IApiResponse> {
        return this.callEndpoint(RequestMethod.POST, path, call);
    }

    /** Calls the endpoint's `get`; the host passes no body on a GET. */
    public get(path: string, call: EndpointCall = {}): Promise<IApiResponse> {
        return this.callEndpoint(RequestMethod.GET, path, { ...call, content: undefined });
    }

    /** A submit of a modal the app opened (the view with the state the client collected); Rocket.Chat's route passes no room with it. */
    public async viewSubmit(user: IUser, view: any, state: object): Promise<IUIKitResponse> {
        const context = new UIKitViewSubmitInteractionContext({
            appId: this.info.id,
            actionId: 'submit',
            user,
            triggerId: this.triggers.make(),
            view: { ...view, state },
        } as any);
        return this.withCallLogger('executeViewSubmitHandler' as ILogger['method'], (app) =>
            (app as any).executeViewSubmitHandler(context, this.read(), this.http, this.persistence(), this.modify()),
        );
    }

    /** A click on one of the app's action buttons (e.g. a room action) in `room`. */
    public async actionButton(user: IUser, actionId: string, room: IRoom): Promise<IUIKitResponse> {
        const context = new UIKitActionButtonInteractionContext({
            appId: this.info.id,
            actionId,
            user,
            room,
            triggerId: this.triggers.make(),
            buttonContext: 'roomAction',
        } as any);
        return this.withCallLogger('executeActionButtonHandler' as ILogger['method'], (app) =>
            (app as any).executeActionButtonHandler(context, this.read(), this.http, this.persistence(), this.modify()),
        );
    }

    private triggerCount = 0;
    private readonly triggers = new ClientTriggers(() => `trigger-${++this.triggerCount}`);

    /** Clicks a button of a message the app sent (or of a view: `container`), as the host's UIKit interaction route does. */
    public async blockAction(
        user: IUser,
        room: IRoom | undefined,
        button: { actionId: string; value?: string; blockId?: string; container?: { type: UIKitIncomingInteractionContainerType; id: string } },
    ): Promise<IUIKitResponse> {
        const handler = (this.app as any).executeBlockActionHandler;
        if (typeof handler !== 'function') {
            throw new Error('test host: the app has no executeBlockActionHandler');
        }
        const context = new UIKitBlockInteractionContext({
            appId: this.info.id,
            user,
            room,
            actionId: button.actionId,
            value: button.value,
            blockId: button.blockId || 'block',
            triggerId: this.triggers.make(),
            container: button.container || { type: UIKitIncomingInteractionContainerType.MESSAGE, id: 'message-1' },
        });
        return this.withCallLogger('executeBlockActionHandler' as ILogger['method'], (app) =>
            handler.call(app, context, this.read(), this.http, this.persistence(), this.modify()),
        );
    }

    private async callEndpoint(method: RequestMethod, path: string, call: EndpointCall): Promise<IApiResponse> {
        const endpoint = this.endpoint(path);
        const handler = method === RequestMethod.GET ? endpoint.get : endpoint.post;
        if (!handler) {
            // The engine answers 404 for a method the endpoint does not implement.
            return { status: 404 };
        }
        const headers: { [name: string]: string } = {};
        for (const [name, value] of Object.entries(call.headers || {})) {
            headers[name.toLowerCase()] = value;
        }
        const request: IApiRequest = {
            method,
            headers,
            query: call.query || {},
            params: {},
            content: method === RequestMethod.GET ? undefined : (call.content ?? {}),
            user: call.user,
        };
        const basePath = `/api/apps/public/${this.info.id}`;
        const info = { basePath, fullPath: `${basePath}/${path}`, appId: this.info.id };
        return this.withCallLogger('apiExecutor' as ILogger['method'], (app) =>
            handler.call(LocalHost.composedWith(endpoint, app), request, info, this.read(), this.modify(), this.http, this.persistence()),
        );
    }

    /** Runs a slash command as the engine's command manager does for `/<command> <args>`. */
    public async runCommand(name: string, sender: IUser, args: Array<string> = [], room: IRoom = GENERAL_ROOM): Promise<void> {
        const context = new SlashCommandContext(sender, room, args, undefined, this.triggers.make());
        const command = this.command(name);
        await this.withCallLogger('executor' as ILogger['method'], (app) =>
            command.executor.call(LocalHost.composedWith(command, app), context, this.read(), this.modify(), this.http, this.persistence()),
        );
    }

    public read(): IRead {
        return loud<IRead>('Read', {
            getEnvironmentReader: () => this.environment(),
            getNotifier: () => this.notifier.asNotifier(),
            getUserReader: () => this.rooms.userReader(APP_USER),
            getRoomReader: () => this.rooms.roomReader(),
            getPersistenceReader: () => this.store.reader(),
        });
    }

    public modify(): IModify {
        return loud<IModify>('Modify', {
            getCreator: () =>
                loud<IModifyCreator>('ModifyCreator', {
                    startMessage: () => createMessageBuilder(),
                    finish: async (builder: any) => {
                        this.roomMessages.push(builder.getMessage());
                        return `message-${this.roomMessages.length}`;
                    },
                }),
            getScheduler: () => loud<any>('SchedulerModify', this.scheduler.modify()),
            getUiController: () =>
                loud<any>('UIController', {
                    openSurfaceView: async (view: any, context: { triggerId?: string }, user: IUser) => {
                        this.showSurface({ kind: 'open', view: { ...view, appId: this.info.id }, triggerId: context.triggerId, user });
                    },
                    updateSurfaceView: async (view: any, context: { triggerId?: string }, user: IUser) => {
                        this.showSurface({ kind: 'update', view: { ...view, appId: this.info.id }, triggerId: context.triggerId, user });
                    },
                    setViewError: async (error: any, context: { triggerId?: string }, user: IUser) => {
                        this.showSurface({ kind: 'error', view: error, triggerId: context.triggerId, user });
                    },
                }),
            getNotifier: () => this.notifier.asNotifier(),
        });
    }

    private showSurface(surface: { kind: 'open' | 'update' | 'error'; view: any; triggerId?: string; user: IUser }): void {
        (this.triggers.showable(surface.triggerId) ? this.surfaces : this.droppedSurfaces).push(surface);
    }

    public persistence(): IPersistence {
        return this.store.writer();
    }

    private environment(): IEnvironmentRead {
        return loud<IEnvironmentRead>('EnvironmentRead', {
            getSettings: () => this.settings,
            getServerSettings: () => this.serverSettings,
        });
    }

    private configurationModify(): IConfigurationModify {
        return loud<IConfigurationModify>('ConfigurationModify', { scheduler: loud<any>('SchedulerModify', this.scheduler.modify()) });
    }

    private configuration(): IConfigurationExtend {
        return loud<IConfigurationExtend>('ConfigurationExtend', {
            ui: loud('UIExtend', {
                registerButton: (button: any) => {
                    this.actionButtons.push(button);
                },
            }),
            scheduler: loud('SchedulerExtend', {
                registerProcessors: async (processors: Array<any>) => this.scheduler.registerProcessors(processors),
            }),
            settings: loud('SettingsExtend', {
                provideSetting: async (setting: ISetting) => this.settings.provide(setting),
            }),
            api: loud('ApiExtend', {
                provideApi: async (api: IApi) => {
                    if (!api.endpoints || api.endpoints.length === 0) {
                        throw new Error('Invalid Api parameter provided, it must be a valid IApi object.');
                    }
                    this.apis.push(api);
                },
            }),
            slashCommands: loud('SlashCommandsExtend', {
                provideSlashCommand: async (command: ISlashCommand) => {
                    if (this.commands.some((existing) => existing.command === command.command)) {
                        throw new Error(`Command "${command.command}" already exists`);
                    }
                    this.commands.push(command);
                },
            }),
        });
    }
}
