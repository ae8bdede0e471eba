// A small Rocket.Chat stand-in around the engine's real runtime: an Apps-Engine release's AppManager
// (1.58.1 unless told otherwise, see engines.ts) installs the zip and runs the app in a Deno
// subprocess; the bridges below are this host's answers to what the app asks for (settings, HTTP,
// persistence, rooms, users, notifications, API and command registration). Any bridge method not
// implemented here throws and is recorded.
import * as crypto from 'crypto';
import * as fs from 'fs';

import AdmZip from 'adm-zip';

import { IUser } from '@rocket.chat/apps-engine/definition/users';

import { ClientTriggers } from '../host/clientTriggers';
import { EndpointCall } from '../host/localHost';
import { LoopbackHttp } from '../host/loopbackHttp';
import { notReadable, OMNICHANNEL_DEFAULTS, SECRET_SETTINGS } from '../host/fakes';
import { PersistenceStore, RoomStore } from '../host/storage';
import { useDeno } from './deno';
import { DEFAULT_ENGINE, Engine, engine as engineOf, engineModule } from './engines';

type Loose = { [key: string]: any };

export interface RuntimeTimings {
    /** AppManager constructed and loaded (no app yet). */
    loadMs: number;
    /** The zip parsed, compiled, the Deno subprocess started and the app enabled. */
    installMs: number;
}

export type ApiCall = EndpointCall;

export interface ApiResult {
    status: number;
    headers?: { [name: string]: string };
    content: any;
}

export interface Notification {
    to: IUser;
    message: Loose;
}

/** The engine's modules this host uses, loaded once per engine. */
interface EngineModules {
    bridges: any;
    AppManager: any;
    AppMetadataStorage: any;
    AppLogStorage: any;
    AppSourceStorage: any;
    SlashCommandContext: any;
    AppInterface: any;
}

const loaded = new Map<Engine, EngineModules>();

function modulesOf(engine: Engine): EngineModules {
    let modules = loaded.get(engine);
    if (!modules) {
        const storage = engineModule(engine, 'server/storage');
        modules = {
            bridges: engineModule(engine, 'server/bridges'),
            AppManager: engineModule(engine, 'server/AppManager').AppManager,
            AppMetadataStorage: storage.AppMetadataStorage,
            AppLogStorage: storage.AppLogStorage,
            AppSourceStorage: storage.AppSourceStorage,
            SlashCommandContext: engineModule(engine, 'definition/slashcommands').SlashCommandContext,
            AppInterface: engineModule(engine, 'definition/metadata').AppInterface,
        };
        const Controller = engineModule(engine, 'server/runtime/deno/AppsEngineDenoRuntime').DenoRuntimeSubprocessController;
        observeRoundTrips(Controller);
        catchPipeErrors(Controller);
        loaded.set(engine, modules);
    }
    return modules;
}

/**
 * Every message an app's process sends the host to ask for something (an accessor or a bridge
 * method): one round trip each. Observed by wrapping the engine's handler, which is left to do
 * its work unchanged.
 */
const roundTrips: Array<{ appId: string; method: string }> = [];

function observeRoundTrips(Controller: any): void {
    const handleIncoming = Controller.prototype.handleIncomingMessage;
    if (handleIncoming.observed) {
        return;
    }
    const observed = function (this: { getAppId(): string }, message: { payload?: { method?: unknown } }) {
        const method = message && message.payload && message.payload.method;
        if (typeof method === 'string' && /^(accessor|bridges):/.test(method)) {
            roundTrips.push({ appId: this.getAppId(), method });
        }
        return handleIncoming.call(this, message);
    };
    (observed as unknown as { observed: boolean }).observed = true;
    Controller.prototype.handleIncomingMessage = observed;
}

/**
 * The engine answers a bridge call on the app's subprocess's stdin. When the engine restarted that
 * subprocess meanwhile (its liveness check does, after 40 s without an answer to its pings) or
 * unloaded it, the write fails with EPIPE, and the engine listens for no error on that stream: a
 * Node process dies of such an unhandled 'error' event. This host, like a server's own error
 * handling would have to, records it (`pipeErrors`) instead of dying (docs/engine-issues.md).
 */
export const pipeErrors: Array<string> = [];

function catchPipeErrors(Controller: any): void {
    const spawn = Controller.prototype.spawnProcess;
    if (spawn.guarded) {
        return;
    }
    const guarded = function (this: { deno?: { stdin?: { on(event: 'error', listener: (error: Error) => void): void } } }, ...args: Array<unknown>) {
        const result = spawn.apply(this, args);
        if (this.deno && this.deno.stdin) {
            this.deno.stdin.on('error', (error: Error) => pipeErrors.push(error.message));
        }
        return result;
    };
    (guarded as unknown as { guarded: boolean }).guarded = true;
    Controller.prototype.spawnProcess = guarded;
}

/** Bridge calls the host has not answered yet. */
const inFlight = { count: 0 };

/** Makes a bridge from the engine's base class; calls to anything else throw and are recorded. */
function bridge(Base: any, name: string, implementation: Loose, missing: Array<string>): any {
    const instance = new (class extends Base {})();
    for (const [key, value] of Object.entries(implementation)) {
        instance[key] =
            typeof value !== 'function'
                ? value
                : (...args: Array<unknown>) => {
                      inFlight.count++;
                      let result: unknown;
                      try {
                          result = value(...args);
                      } catch (error) {
                          inFlight.count--;
                          throw error;
                      }
                      Promise.resolve(result).then(
                          () => inFlight.count--,
                          () => inFlight.count--,
                      );
                      return result;
                  };
    }
    return new Proxy(instance, {
        get(target, property, receiver) {
            if (property in target || typeof property === 'symbol' || property === 'then' || property === 'toJSON' || property === 'constructor') {
                return Reflect.get(target, property, receiver);
            }
            return () => {
                missing.push(`${name}.${String(property)}`);
                throw new Error(`runtime host: ${name}.${String(property)} is not implemented`);
            };
        },
    });
}

export class RuntimeHost {
    public readonly http = new LoopbackHttp();
    /** The workspace's settings: Rocket.Chat's Omnichannel ones with their defaults, and what a test sets. */
    public readonly serverSettings = new Map<string, unknown>(OMNICHANNEL_DEFAULTS);
    public readonly notifications: Array<Notification> = [];
    /** Messages apps created in rooms (the message bridge's create). */
    public readonly roomMessages: Array<Loose> = [];
    /** What apps asked the user's client to show (the UI interaction bridge): `{ type: 'contextual_bar.open' | 'modal.open' | …, view, triggerId }`. */
    public readonly uiInteractions: Array<{ user: IUser; interaction: Loose }> = [];
    /** Interactions Rocket.Chat's client would drop: a triggerId older than 5 s, or not one it made. */
    public readonly droppedUiInteractions: Array<{ user: IUser; interaction: Loose }> = [];
    private readonly triggers = new ClientTriggers(() => crypto.randomUUID());
    /** Rocket.Chat's scheduler bridge over Agenda, with the jobs in memory; `fireJob` is Agenda's tick. */
    public readonly scheduler = new AgendaScheduler();
    /** The app's persistence records, and the rooms, messages and users it may read: the local host's stores. */
    public readonly store = new PersistenceStore();
    public readonly rooms = new RoomStore();
    /** Every log line the engine stored; `call`: which stored call log it came in (one per call the engine answered, numbered). */
    public readonly logs: Array<{ method: string; severity: string; text: string; call: number }> = [];
    /** Bridge methods the app (or the engine for it) called that this host does not implement. */
    public readonly missing: Array<string> = [];
    public readonly apis: Array<string> = [];
    public readonly commands = new Map<string, Loose>();
    public appId = '';
    public timings: RuntimeTimings = { loadMs: 0, installMs: 0 };
    private manager: any;
    private readonly modules: EngineModules;

    constructor(
        private readonly appUser: IUser,
        public readonly engine: Engine = engineOf(DEFAULT_ENGINE),
    ) {
        // The runtime's process boundary is the round trip here.
        this.store.latencyMs = 0;
        this.modules = modulesOf(engine);
    }

    /** Starts the engine and installs the zip, enabled, as an admin uploading it would. */
    public async install(zipPath: string): Promise<void> {
        const deno = useDeno(this.engine);
        const started = Date.now();
        this.manager = new this.modules.AppManager({
            metadataStorage: this.metadataStorage(),
            logStorage: this.logStorage(),
            bridges: this.bridges(),
            sourceStorage: this.sourceStorage(),
            // Where the host keeps temporary upload files, as Rocket.Chat's orchestrator passes it; 1.62.0
            // also links its deno-runtime there (Deno 2 runs no TypeScript from node_modules). Older engines ignore it.
            tempFilePath: deno.tempFilePath,
        });
        await this.manager.load();
        const loaded = Date.now();
        this.appId = await this.add(zipPath);
        this.timings = { loadMs: loaded - started, installMs: Date.now() - loaded };
    }

    /** Installs another app into the same AppManager (the benchmark's reference app); answers its id. */
    public async add(zipPath: string): Promise<string> {
        // As an admin installing it in Rocket.Chat: the install dialog lists the permissions app.json asks for, and accepting grants them.
        const zip = fs.readFileSync(zipPath);
        const info = JSON.parse(new AdmZip(zip).readAsText('app.json'));
        const result = await this.manager.add(zip, {
            enable: true,
            user: { id: 'installer', username: 'installer' },
            ...(info.permissions && { permissionsGranted: info.permissions }),
        });
        if (!result || !result.app || (result.compilerErrors && result.compilerErrors.length)) {
            throw new Error(`runtime host: the engine did not install the app: ${JSON.stringify(result && (result.compilerErrors || result))}`);
        }
        const status = await result.app.getStatus();
        if (!/enabled/.test(String(status))) {
            throw new Error(`runtime host: the app is ${status}, not enabled`);
        }
        return result.app.getID();
    }

    /** The calls an app's process made to the host so far (accessors and bridges alike), in order. */
    public roundTrips(appId = this.appId): Array<string> {
        return roundTrips.filter((trip) => trip.appId === appId).map((trip) => trip.method);
    }

    /**
     * Waits for the bridge calls in flight (a history write the app queued after answering, say),
     * then unloads. The engine answers a finished bridge call on the subprocess's stdin; once the
     * subprocess is gone that write fails with EPIPE, which nothing in the engine handles, and the
     * host process dies of it.
     */
    public async stop(): Promise<void> {
        for (const started = Date.now(); inFlight.count > 0 && Date.now() - started < 5000;) {
            await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (this.manager) {
            await this.manager.unload(true);
            this.manager = undefined;
            // The engine keeps one AppManager per process (a server's lifetime): a host started after this one needs the slot free.
            this.modules.AppManager.Instance = undefined;
        }
    }

    /** What Rocket.Chat's app page (Administration → Apps → the app → APIs) lists: `GET /api/apps/<id>/apis` answers the engine's listApis. */
    public listApis(appId = this.appId): Array<{ path: string; computedPath: string; methods: Array<string>; examples: { [method: string]: Loose } }> {
        return this.manager.getApiManager().listApis(appId);
    }

    /** What Rocket.Chat does for `/api/apps/public/<app-id>/<path>` once it has authenticated the caller. */
    public async api(method: 'get' | 'post' | 'put' | 'delete', path: string, call: ApiCall = {}, appId = this.appId): Promise<ApiResult> {
        const headers: { [name: string]: string } = {};
        for (const [name, value] of Object.entries(call.headers || {})) {
            headers[name.toLowerCase()] = value;
        }
        try {
            const response = await this.manager.getApiManager().executeApi(appId, path, {
                method,
                headers,
                query: call.query || {},
                params: {},
                content: method === 'get' ? undefined : (call.content ?? {}),
                user: call.user,
            });
            return { status: response.status, headers: response.headers, content: response.content };
        } catch (reason) {
            // Rocket.Chat's API bridge: `res.status(500).send(reason.message)` for anything the engine throws.
            return {
                status: 500,
                content: reason instanceof Error || (reason && typeof reason === 'object') ? String((reason as { message?: unknown }).message) : String(reason),
            };
        }
    }

    public async command(sender: IUser, room: Loose, args: Array<string>, command = 'livechat-webhook-test'): Promise<void> {
        await this.manager
            .getCommandManager()
            .executeCommand(command, new this.modules.SlashCommandContext(sender, room, args, undefined, this.triggers.make()));
    }

    /** A click as Rocket.Chat's UIKit route hands it to the engine; `container` is the view for a click in a contextual bar or modal. */
    public async blockAction(user: IUser, room: Loose, button: { actionId: string; value?: string; blockId?: string; container?: Loose }): Promise<Loose> {
        return this.manager.getListenerManager().executeListener(this.modules.AppInterface.IUIKitInteractionHandler, {
            type: 'blockAction',
            appId: this.appId,
            actionId: button.actionId,
            triggerId: this.triggers.make(),
            user,
            room,
            payload: { value: button.value, blockId: button.blockId || 'block' },
            container: button.container || { type: 'message', id: 'message-id' },
        });
    }

    /** A modal's submit: the view with the state the client collected; Rocket.Chat's route passes no room with it. */
    public async viewSubmit(user: IUser, view: Loose, state: Loose): Promise<Loose> {
        return this.manager.getListenerManager().executeListener(this.modules.AppInterface.IUIKitInteractionHandler, {
            type: 'viewSubmit',
            appId: this.appId,
            actionId: 'submit',
            triggerId: this.triggers.make(),
            user,
            payload: { view: { ...view, state } },
        });
    }

    public async viewClosed(user: IUser, view: Loose): Promise<Loose> {
        return this.manager.getListenerManager().executeListener(this.modules.AppInterface.IUIKitInteractionHandler, {
            type: 'viewClosed',
            appId: this.appId,
            actionId: 'close',
            user,
            payload: { view, isCleared: false },
        });
    }

    /** A click on an action button (a room action) in `room`. */
    public async actionButton(user: IUser, actionId: string, room: Loose): Promise<Loose> {
        return this.manager.getListenerManager().executeListener(this.modules.AppInterface.IUIKitInteractionHandler, {
            type: 'actionButton',
            appId: this.appId,
            actionId,
            triggerId: this.triggers.make(),
            user,
            room,
            payload: { context: 'roomAction' },
        });
    }

    /** The action buttons of enabled apps, as Rocket.Chat's client fetches them. */
    public async actionButtons(): Promise<Array<Loose>> {
        return this.manager.getUIActionButtonManager().getAllActionButtons();
    }

    /** Changes one app setting the way the admin's settings page does. */
    public async setAppSetting(id: string, value: unknown): Promise<void> {
        const stored = await this.manager.getStorage().retrieveOne(this.appId);
        await this.manager.getSettingsManager().updateAppSetting(this.appId, { ...stored.settings[id], value });
    }

    /** The app's settings as stored (the admin's settings page reads these). */
    public async appSettings(): Promise<Array<{ id: string; type: string; value?: unknown; packageValue: unknown }>> {
        const stored = await this.manager.getStorage().retrieveOne(this.appId);
        return Object.values(stored.settings);
    }

    /** Runs a scheduled job now, as Agenda does when it is due (the engine skips it while the app is disabled). */
    /**
     * What Rocket.Chat does when something happens in Omnichannel (Apps.triggerEvent): the engine's
     * listener manager hands the event to every app whose app.json implements the interface (for
     * IPostMessageSent after the app's checkPostMessageSent). The engine's executeListener does not
     * wait for IPostMessageSent (it answers at once and the app's calls go on): this host waits for
     * the same work, so that tests and the benchmark know when the app is done with a message.
     */
    public async fireEvent(event: string, data: unknown): Promise<void> {
        const listeners = this.manager.getListenerManager();
        if (event === 'IPostMessageSent') {
            await listeners.executePostMessageSent(data);
            return;
        }
        await listeners.executeListener(this.modules.AppInterface[event], data);
    }

    public async fireJob(id: string, appId = this.appId): Promise<void> {
        await this.scheduler.fire(`${id}_${appId}`);
    }

    public async disable(appId = this.appId): Promise<void> {
        await this.manager.disable(appId);
    }

    public async enable(appId = this.appId): Promise<void> {
        await this.manager.enable(appId);
    }

    /** The app log, one line per entry, as the admin's Logs tab shows it. */
    public logText(): string {
        return this.logs.map((entry) => `${entry.severity}: ${entry.text}`).join('\n');
    }

    private bridges(): any {
        const host = this;
        const missing = this.missing;
        const { bridges } = this.modules;
        const made: Loose = {
            command: bridge(
                bridges.CommandBridge,
                'command',
                {
                    doesCommandExist: async (command: string) => host.commands.has(command),
                    registerCommand: async (command: Loose) => {
                        host.commands.set(command.command, command);
                    },
                    unregisterCommand: async (command: string) => {
                        host.commands.delete(command);
                    },
                    enableCommand: async () => undefined,
                    disableCommand: async () => undefined,
                    modifyCommand: async () => undefined,
                },
                missing,
            ),
            api: bridge(
                bridges.ApiBridge,
                'api',
                {
                    registerApi: async (api: Loose) => {
                        host.apis.push(api.endpoint.path);
                    },
                    unregisterApis: async () => {
                        host.apis.length = 0;
                    },
                },
                missing,
            ),
            // Rocket.Chat's HTTP bridge, as the local host's LoopbackHttp mirrors it (SSRF check, redirects, timeout).
            http: bridge(
                bridges.HttpBridge,
                'http',
                {
                    call: async (info: Loose) => {
                        const method = String(info.method).toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'del';
                        const fn = (host.http as Loose)[method === ('delete' as string) ? 'del' : method];
                        return fn.call(host.http, info.url, info.request);
                    },
                },
                missing,
            ),
            serverSetting: bridge(
                bridges.ServerSettingBridge,
                'serverSetting',
                {
                    getOneById: async (id: string) => {
                        if (!host.serverSettings.has(id) || SECRET_SETTINGS.has(id)) {
                            throw notReadable(id);
                        }
                        return { id, type: 'string', packageValue: '', value: host.serverSettings.get(id), required: false, public: true, i18nLabel: id };
                    },
                    isReadableById: async (id: string) => host.serverSettings.has(id) && !SECRET_SETTINGS.has(id),
                    getAll: async () =>
                        [...host.serverSettings].filter(([id]) => !SECRET_SETTINGS.has(id)).map(([id, value]) => ({ id, value, packageValue: '' })),
                },
                missing,
            ),
            user: bridge(bridges.UserBridge, 'user', { ...host.rooms.userReader(host.appUser) }, missing),
            message: bridge(
                bridges.MessageBridge,
                'message',
                {
                    notifyUser: async (user: IUser, message: Loose) => {
                        host.notifications.push({ to: user, message });
                    },
                    create: async (message: Loose) => {
                        host.roomMessages.push(message);
                        return `message-${host.roomMessages.length}`;
                    },
                },
                missing,
            ),
            room: bridge(bridges.RoomBridge, 'room', { ...host.rooms.roomReader() }, missing),
            persistence: bridge(bridges.PersistenceBridge, 'persistence', host.store.bridgeMethods(), missing),
            scheduler: bridge(bridges.SchedulerBridge, 'scheduler', host.scheduler.bridgeMethods(), missing),
            // Rocket.Chat's UiInteractionBridge notifies the user's client; here the interactions are kept.
            uiInteraction: bridge(
                bridges.UiInteractionBridge,
                'uiInteraction',
                {
                    notifyUser: async (user: IUser, interaction: Loose) => {
                        (host.triggers.showable(interaction.triggerId) ? host.uiInteractions : host.droppedUiInteractions).push({ user, interaction });
                    },
                },
                missing,
            ),
            activation: bridge(
                bridges.AppActivationBridge,
                'activation',
                {
                    appAdded: async () => undefined,
                    appUpdated: async () => undefined,
                    appRemoved: async () => undefined,
                    appStatusChanged: async () => undefined,
                    actionsChanged: async () => undefined,
                },
                missing,
            ),
            details: bridge(bridges.AppDetailChangesBridge, 'details', { onAppSettingsChange: () => undefined }, missing),
            internal: bridge(Object, 'internal', { doGetWorkspacePublicKey: async () => ({ id: 'Cloud_Workspace_PublicKey', value: '' }) }, missing),
            // The engine signs installed apps with the workspace's key pair (RS512).
            federation: bridge(Object, 'federation', { getPrivateKey: async () => KEYS.privateKey, getPublicKey: async () => KEYS.publicKey }, missing),
        };
        const getters: Loose = {
            getCommandBridge: () => made.command,
            getApiBridge: () => made.api,
            getHttpBridge: () => made.http,
            getServerSettingBridge: () => made.serverSetting,
            getUserBridge: () => made.user,
            getMessageBridge: () => made.message,
            getRoomBridge: () => made.room,
            getPersistenceBridge: () => made.persistence,
            getSchedulerBridge: () => made.scheduler,
            getUiInteractionBridge: () => made.uiInteraction,
            getAppActivationBridge: () => made.activation,
            getAppDetailChangesBridge: () => made.details,
            getInternalBridge: () => made.internal,
            getInternalFederationBridge: () => made.federation,
        };
        const others = [
            'getContactBridge',
            'getEnvironmentalVariableBridge',
            'getListenerBridge',
            'getLivechatBridge',
            'getUploadBridge',
            'getEmailBridge',
            'getCloudWorkspaceBridge',
            'getVideoConferenceBridge',
            'getOAuthAppsBridge',
            'getModerationBridge',
            'getThreadBridge',
            'getRoleBridge',
            'getOutboundMessageBridge',
            'getExperimentalBridge',
        ];
        const unused: Loose = {};
        for (const name of others) {
            unused[name] = bridge(Object, name.replace(/^get|Bridge$/g, ''), {}, missing);
        }
        class Bridges extends bridges.AppBridges {}
        const instance = new Bridges();
        for (const [name, get] of Object.entries(getters)) {
            instance[name] = get;
        }
        for (const name of others) {
            instance[name] = () => unused[name];
        }
        return instance;
    }

    private metadataStorage(): any {
        const items = new Map<string, Loose>();
        const Base = this.modules.AppMetadataStorage;
        class Metadata extends Base {
            constructor() {
                super('memory');
            }
            public async create(item: Loose) {
                items.set(item.id, item);
                return item;
            }
            public async retrieveOne(id: string) {
                return items.get(id) || null;
            }
            public async retrieveAll() {
                return new Map(items);
            }
            public async retrieveAllPrivate() {
                return new Map(items);
            }
            public async remove(id: string) {
                items.delete(id);
                return { deletedCount: 1 };
            }
            public async updatePartialAndReturnDocument(item: Loose) {
                const merged = Object.assign(items.get(item.id) || {}, item);
                items.set(item.id, merged);
                return merged;
            }
            public async updateStatus(id: string, status: string) {
                const item = items.get(id);
                if (item) item.status = status;
                return true;
            }
            public async updateSetting(id: string, setting: Loose) {
                const item = items.get(id);
                if (item) item.settings[setting.id] = setting;
                return true;
            }
            public async updateAppInfo(id: string, info: Loose) {
                const item = items.get(id);
                if (item) item.info = info;
                return true;
            }
            public async updateMarketplaceInfo() {
                return true;
            }
        }
        return new Metadata();
    }

    private logStorage(): any {
        const logs = this.logs;
        let stored = 0;
        const Base = this.modules.AppLogStorage;
        class Logs extends Base {
            constructor() {
                super('memory');
            }
            public async findPaginated() {
                return { logs: [], total: 0 };
            }
            public async storeEntries(entry: Loose) {
                const call = ++stored;
                for (const item of entry.entries || []) {
                    const text = (item.args || []).map((arg: unknown) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
                    logs.push({ method: entry.method, severity: item.severity, text, call });
                }
                return entry;
            }
            public async getEntriesFor() {
                return [];
            }
            public async removeEntriesFor() {
                logs.length = 0;
            }
        }
        return new Logs();
    }

    private sourceStorage(): any {
        const zips = new Map<string, Buffer>();
        const Base = this.modules.AppSourceStorage;
        class Sources extends Base {
            constructor() {
                super('memory');
            }
            public async store(item: Loose, zip: Buffer) {
                zips.set(item.id, zip);
                return item.id;
            }
            public async fetch(item: Loose) {
                return zips.get(item.id);
            }
            public async update(item: Loose, zip: Buffer) {
                zips.set(item.id, zip);
                return item.id;
            }
            public async remove(item: Loose) {
                zips.delete(item.id);
            }
        }
        return new Sources();
    }
}

/**
 * Rocket.Chat's AppSchedulerBridge: processors defined by id; `every` keeps one job per name (a new
 * call replaces it); cancelJob takes an id that looks like an ObjectId (24 hex or 12 characters
 * before the first "_") for a job's _id, anything else for a name; cancelAllJobs cancels the names
 * ending in `_<app id>`; a job's processor gets the job's data without `appId`, plus `jobId`.
 */
export class AgendaScheduler {
    public readonly processors = new Map<string, (context: Loose) => Promise<void>>();
    public readonly jobs = new Map<
        string,
        { _id: string; name: string; type: 'single' | 'normal'; interval?: unknown; data: Loose; skipImmediate?: boolean }
    >();
    private nextId = 1;

    public bridgeMethods(): Loose {
        return {
            registerProcessors: async (processors: Array<Loose> = []) => {
                for (const { id, processor } of processors) {
                    this.processors.set(id, processor);
                }
            },
            scheduleOnce: async (job: Loose, appId: string) => this.save({ name: job.id, type: 'normal', data: { ...job.data, appId } }),
            scheduleRecurring: async (job: Loose, appId: string) =>
                this.save({ name: job.id, type: 'single', interval: job.interval, skipImmediate: job.skipImmediate, data: { ...job.data, appId } }),
            cancelJob: async (jobId: string) => {
                const head = jobId.split('_')[0];
                const byObjectId = /^[0-9a-f]{24}$/i.test(head) || head.length === 12;
                for (const [name, job] of this.jobs) {
                    if (byObjectId ? job._id === head : name === jobId) {
                        this.jobs.delete(name);
                    }
                }
            },
            cancelAllJobs: async (appId: string) => {
                for (const name of [...this.jobs.keys()]) {
                    if (name.endsWith(`_${appId}`)) {
                        this.jobs.delete(name);
                    }
                }
            },
        };
    }

    public async fire(name: string): Promise<void> {
        const processor = this.processors.get(name);
        const job = this.jobs.get(name);
        if (!processor || !job) {
            throw new Error(`runtime host: no scheduled job "${name}"`);
        }
        const data: Loose = { ...job.data };
        delete data.appId;
        data.jobId = job._id;
        await processor(data);
        if (job.type === 'normal') {
            this.jobs.delete(name);
        }
    }

    private save(job: { name: string; type: 'single' | 'normal'; interval?: unknown; skipImmediate?: boolean; data: Loose }): string {
        const existing = this.jobs.get(job.name);
        const _id = existing && job.type === 'single' ? existing._id : (this.nextId++).toString(16).padStart(24, '0');
        this.jobs.set(job.name, { ...job, _id });
        return _id;
    }
}

const KEYS = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
