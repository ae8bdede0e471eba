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
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';
import { ISetting } from '@rocket.chat/apps-engine/definition/settings';
import {
    IUIKitResponse,
    UIKitActionButtonInteractionContext,
    UIKitBlockInteractionContext,
    UIKitViewCloseInteractionContext,
    UIKitViewSubmitInteractionContext,
} from '@rocket.chat/apps-engine/definition/uikit';

import { WebhookTestCommand } from './src/commands/WebhookTestCommand';
import {
    WebhookCheckEndpoint,
    WebhookDeliveriesEndpoint,
    WebhookEventsEndpoint,
    WebhookReadinessEndpoint,
    WebhookRedeliverEndpoint,
    WebhookTestEndpoint,
    WebhookWatchEndpoint,
} from './src/endpoints/WebhookEndpoints';
import { createServices, Services } from './src/wiring/Services';
import { SETTINGS, SettingId } from './src/settings/settings';
import { intervalOf } from './src/watch/config';
import { applySchedule, watchProcessor } from './src/watch/schedule';
import { Interactions } from './src/ui/Interactions';
import { currentLogger } from './src/util/log';

export class LivechatWebhookTestApp extends App {
    private interactions?: Interactions;
    private runner?: Services;

    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
    }

    public async executeBlockActionHandler(
        context: UIKitBlockInteractionContext,
        read: IRead,
        http: IHttp,
        persistence: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        return this.interactions ? this.interactions.blockAction(context, read, http, persistence, modify) : context.getInteractionResponder().errorResponse();
    }

    public async executeViewSubmitHandler(
        context: UIKitViewSubmitInteractionContext,
        read: IRead,
        http: IHttp,
        persistence: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        return this.interactions ? this.interactions.viewSubmit(context, read, http, persistence, modify) : context.getInteractionResponder().errorResponse();
    }

    public async executeViewClosedHandler(context: UIKitViewCloseInteractionContext): Promise<IUIKitResponse> {
        return this.interactions ? this.interactions.viewClosed(context) : context.getInteractionResponder().errorResponse();
    }

    public async executeActionButtonHandler(
        context: UIKitActionButtonInteractionContext,
        read: IRead,
        http: IHttp,
        persistence: IPersistence,
        modify: IModify,
    ): Promise<IUIKitResponse> {
        return this.interactions ? this.interactions.actionButton(context, read, http, persistence, modify) : context.getInteractionResponder().errorResponse();
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
        this.runner?.settingsChanged();
        if (setting.id === SettingId.WatchIntervalMinutes) {
            await applySchedule(configurationModify.scheduler, intervalOf(setting.value ?? setting.packageValue));
        }
    }

    protected async extendConfiguration(configuration: IConfigurationExtend, _environmentRead: IEnvironmentRead): Promise<void> {
        for (const setting of SETTINGS) {
            await configuration.settings.provideSetting(setting);
        }
        // Enabling the app after a disable runs this again on the same instance: the same runner and
        // handlers are registered again, so every entry point still shares one runner.
        const runner = this.runner || createServices(currentLogger(this), this.getID());
        const interactions = this.interactions || new Interactions(runner, this.getID(), currentLogger(this));
        this.runner = runner;
        this.interactions = interactions;
        await configuration.scheduler.registerProcessors([watchProcessor(runner.watch)]);
        await configuration.api.provideApi({
            visibility: ApiVisibility.PUBLIC,
            security: ApiSecurity.UNSECURE,
            endpoints: [
                new WebhookTestEndpoint(this, runner),
                new WebhookEventsEndpoint(this, runner),
                new WebhookDeliveriesEndpoint(this, runner),
                new WebhookRedeliverEndpoint(this, runner),
                new WebhookWatchEndpoint(this, runner),
                new WebhookCheckEndpoint(this, runner),
                new WebhookReadinessEndpoint(this, runner),
            ],
        });
        Interactions.registerRoomAction(configuration.ui);
        // Last: the engine keeps the command through a disable, and on the next enable refuses it as
        // "already exists" (the command it kept is this one, with the same runner).
        try {
            await configuration.slashCommands.provideSlashCommand(new WebhookTestCommand(runner, this.getID(), interactions.panel));
        } catch (error) {
            if (!(error instanceof Error && /already exists/.test(error.message))) {
                throw error;
            }
        }
    }
}
