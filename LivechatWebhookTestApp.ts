import {
    IAppAccessors,
    IConfigurationExtend,
    IConfigurationModify,
    IEnvironmentRead,
    IHttp,
    ILogger,
    IModify,
    IPersistence,
    IRead,
} from '@rocket.chat/apps-engine/definition/accessors';
import { ApiSecurity, ApiVisibility } from '@rocket.chat/apps-engine/definition/api';
import { App } from '@rocket.chat/apps-engine/definition/App';
import {
    ILivechatEventContext,
    ILivechatRoom,
    ILivechatTransferEventContext,
    IPostLivechatAgentAssigned,
    IPostLivechatRoomClosed,
    IPostLivechatRoomSaved,
    IPostLivechatRoomStarted,
    IPostLivechatRoomTransferred,
} from '@rocket.chat/apps-engine/definition/livechat';
import { IMessage, IPostMessageSent } from '@rocket.chat/apps-engine/definition/messages';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import {
    IUIKitResponse,
    UIKitActionButtonInteractionContext,
    UIKitBlockInteractionContext,
    UIKitViewCloseInteractionContext,
    UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { Call, withCall } from './src/call/call';
import { WebhookTestCommand } from './src/commands/WebhookTestCommand';
import { endpointsOf } from './src/endpoints/endpoints';
import { Budgets, DEFAULT_BUDGETS } from './src/gate/budget';
import { passSystem } from './src/gate/gate';
import { createStores, Stores } from './src/gate/stores';
import { SETTINGS, SettingId } from './src/settings/settings';
import { agentAssigned, isOmnichannelMessage, messageSent, roomClosed, roomSaved, roomStarted, roomTransferred } from './src/traffic/events';
import { actionButton, blockAction, registerRoomAction, viewSubmit } from './src/ui/interactions';
import { intervalOf } from './src/watch/config';
import { applySchedule, watchProcessor } from './src/watch/schedule';

/**
 * Registers the app's settings, endpoints, slash command, room action and the watch's job, and hands
 * each UI interaction and each Omnichannel event to its handler with a call built for it. `this` in a
 * handler is the app as the engine hands it to that call (on 1.62 a proxy holding the call's logger).
 */
export class LivechatWebhookTestApp
    extends App
    implements
        IPostLivechatRoomStarted,
        IPostLivechatAgentAssigned,
        IPostLivechatRoomTransferred,
        IPostLivechatRoomClosed,
        IPostLivechatRoomSaved,
        IPostMessageSent
{
    private stores?: Stores;

    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
    }

    public async executeBlockActionHandler(
        context: UIKitBlockInteractionContext,
        read: IRead,
        http: IHttp,
        persis: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        const { user } = context.getInteractionData();
        return withCall(this, { user, read, http, persis, modify }, (call) => blockAction(this.state(), call, context));
    }

    public async executeViewSubmitHandler(
        context: UIKitViewSubmitInteractionContext,
        read: IRead,
        http: IHttp,
        persis: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        const { user } = context.getInteractionData();
        return withCall(this, { user, read, http, persis, modify }, (call) => viewSubmit(this.state(), call, context));
    }

    public async executeViewClosedHandler(context: UIKitViewCloseInteractionContext): Promise<IUIKitResponse> {
        return context.getInteractionResponder().successResponse();
    }

    public async executeActionButtonHandler(
        context: UIKitActionButtonInteractionContext,
        read: IRead,
        http: IHttp,
        persis: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        const { user } = context.getInteractionData();
        return withCall(this, { user, read, http, persis, modify }, (call) => actionButton(this.state(), call, context));
    }

    public async executePostLivechatRoomStarted(room: ILivechatRoom, read: IRead, http: IHttp, persis: IPersistence): Promise<void> {
        return this.onEvent({ read, http, persis }, 'room started', (stores, call) => roomStarted(stores, call, room));
    }

    public async executePostLivechatAgentAssigned(context: ILivechatEventContext, read: IRead, http: IHttp, persis: IPersistence): Promise<void> {
        return this.onEvent({ read, http, persis }, 'agent assigned', (stores, call) => agentAssigned(stores, call, context));
    }

    public async executePostLivechatRoomTransferred(context: ILivechatTransferEventContext, read: IRead, http: IHttp, persis: IPersistence): Promise<void> {
        return this.onEvent({ read, http, persis }, 'room transferred', (stores, call) => roomTransferred(stores, call, context));
    }

    public async executePostLivechatRoomClosed(room: ILivechatRoom, read: IRead, http: IHttp, persis: IPersistence): Promise<void> {
        return this.onEvent({ read, http, persis }, 'room closed', (stores, call) => roomClosed(stores, call, room));
    }

    public async executePostLivechatRoomSaved(room: ILivechatRoom, read: IRead, http: IHttp, persis: IPersistence): Promise<void> {
        return this.onEvent({ read, http, persis }, 'room saved', (stores, call) => roomSaved(stores, call, room));
    }

    /** Every message of the workspace asks: only an Omnichannel conversation's goes on, decided with no I/O. */
    public async checkPostMessageSent(message: IMessage): Promise<boolean> {
        return isOmnichannelMessage(message);
    }

    public async executePostMessageSent(message: IMessage, read: IRead, http: IHttp, persis: IPersistence): Promise<void> {
        return this.onEvent({ read, http, persis }, 'message sent', (stores, call) => messageSent(stores, call, message));
    }

    /** After every restart too: the watch's job is scheduled again (idempotent). */
    public async onEnable(environment: IEnvironmentRead, configurationModify: IConfigurationModify): Promise<boolean> {
        try {
            const interval = await environment.getSettings().getValueById(SettingId.WatchIntervalMinutes);
            await applySchedule(configurationModify.scheduler, intervalOf(interval));
        } catch (error) {
            // The app works without its watch: enable it anyway, and say why the watch does not run.
            this.getLogger().warn(`Could not schedule the health watch: ${error instanceof Error ? error.message : 'unknown error'}`);
        }
        return true;
    }

    public async onSettingUpdated(setting: ISetting, configurationModify: IConfigurationModify, _read: IRead, _http: IHttp): Promise<void> {
        this.state().settings.invalidate();
        if (setting.id === SettingId.WatchIntervalMinutes) {
            await applySchedule(configurationModify.scheduler, intervalOf(setting.value ?? setting.packageValue));
        }
    }

    /** The app's time limits; tests shorten them. */
    protected budgets(): Budgets {
        return DEFAULT_BUDGETS;
    }

    protected async extendConfiguration(configuration: IConfigurationExtend, _environmentRead: IEnvironmentRead): Promise<void> {
        for (const setting of SETTINGS) {
            await configuration.settings.provideSetting(setting);
        }
        // Enabling the app after a disable runs this again on the same instance: the same stores serve.
        const stores = this.state();
        await configuration.scheduler.registerProcessors([watchProcessor(this, stores)]);
        await configuration.api.provideApi({ visibility: ApiVisibility.PUBLIC, security: ApiSecurity.UNSECURE, endpoints: endpointsOf(this, stores) });
        registerRoomAction(configuration.ui);
        // Last: the engine keeps the command through a disable, and on the next enable refuses it as
        // "already exists" (the command it kept is this one, with the same stores).
        try {
            await configuration.slashCommands.provideSlashCommand(new WebhookTestCommand(this, stores));
        } catch (error) {
            if (!(error instanceof Error && /already exists/.test(error.message))) {
                throw error;
            }
        }
    }

    /** An Omnichannel event: its call, through the gate's door for the engine's own calls (never throws into the engine). */
    private onEvent(parts: Omit<Call, 'log'>, what: string, work: (stores: Stores, call: Call) => Promise<unknown>): Promise<void> {
        return withCall(this, parts, async (call) => {
            await passSystem(call, `event ${what}`, () => work(this.state(), call));
        });
    }

    /** What outlives a call (src/gate/stores.ts), built once. */
    private state(): Stores {
        this.stores = this.stores || createStores(this.getID(), this.budgets());
        return this.stores;
    }
}
