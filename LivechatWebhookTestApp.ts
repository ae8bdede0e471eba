import { IAppAccessors, IConfigurationExtend, IEnvironmentRead, ILogger } from '@rocket.chat/apps-engine/definition/accessors';
import { ApiSecurity, ApiVisibility } from '@rocket.chat/apps-engine/definition/api';
import { App } from '@rocket.chat/apps-engine/definition/App';
import { IAppInfo } from '@rocket.chat/apps-engine/definition/metadata';

import { WebhookTestCommand } from './src/commands/WebhookTestCommand';
import { WebhookTestEndpoint } from './src/endpoints/WebhookTestEndpoint';
import { PermissionGuard } from './src/permissions/PermissionGuard';
import { WebhookTestRunner } from './src/runner/WebhookTestRunner';
import { SETTINGS } from './src/settings/settings';

export class LivechatWebhookTestApp extends App {
    constructor(info: IAppInfo, logger: ILogger, accessors: IAppAccessors) {
        super(info, logger, accessors);
    }

    protected async extendConfiguration(configuration: IConfigurationExtend, environmentRead: IEnvironmentRead): Promise<void> {
        for (const setting of SETTINGS) {
            await configuration.settings.provideSetting(setting);
        }
        // One runner (and so one permission cache) shared by the endpoint and the command.
        const runner = new WebhookTestRunner(new PermissionGuard(this.getLogger()), this.getLogger());
        await configuration.api.provideApi({
            visibility: ApiVisibility.PUBLIC,
            security: ApiSecurity.UNSECURE,
            endpoints: [new WebhookTestEndpoint(this, runner)],
        });
        await configuration.slashCommands.provideSlashCommand(new WebhookTestCommand(runner));
    }
}
