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
import { IUIKitResponse, UIKitBlockInteractionContext } from '@rocket.chat/apps-engine/definition/uikit';

import { RedeliverButton } from './src/commands/RedeliverButton';
import { WebhookTestCommand } from './src/commands/WebhookTestCommand';
import { WebhookDeliveriesEndpoint, WebhookEventsEndpoint, WebhookRedeliverEndpoint, WebhookTestEndpoint } from './src/endpoints/WebhookEndpoints';
import { createRunner } from './src/runner/createRunner';
import { WebhookTestRunner } from './src/runner/WebhookTestRunner';
import { SETTINGS } from './src/settings/settings';
import { currentLogger } from './src/util/log';

export class LivechatWebhookTestApp extends App {
    private redeliverButton?: RedeliverButton;
    private runner?: WebhookTestRunner;

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
        if (!this.redeliverButton) {
            return context.getInteractionResponder().errorResponse();
        }
        return this.redeliverButton.handle(context, read, http, persistence, modify);
    }

    public async onSettingUpdated(_setting: ISetting, _configurationModify: IConfigurationModify, _read: IRead, _http: IHttp): Promise<void> {
        this.runner?.settingsChanged();
    }

    protected async extendConfiguration(configuration: IConfigurationExtend, _environmentRead: IEnvironmentRead): Promise<void> {
        for (const setting of SETTINGS) {
            await configuration.settings.provideSetting(setting);
        }
        const runner = createRunner(currentLogger(this));
        this.runner = runner;
        await configuration.api.provideApi({
            visibility: ApiVisibility.PUBLIC,
            security: ApiSecurity.UNSECURE,
            endpoints: [
                new WebhookTestEndpoint(this, runner),
                new WebhookEventsEndpoint(this, runner),
                new WebhookDeliveriesEndpoint(this, runner),
                new WebhookRedeliverEndpoint(this, runner),
            ],
        });
        await configuration.slashCommands.provideSlashCommand(new WebhookTestCommand(runner, this.getID()));
        this.redeliverButton = new RedeliverButton(runner, this.getID());
    }
}
