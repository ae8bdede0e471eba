import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { TestOutcome, WebhookTestRunner } from '../runner/WebhookTestRunner';

export const COMMAND = 'livechat-webhook-test';

export const HELP_TEXT = [
    `*/${COMMAND}* sends Rocket.Chat's sample \`LivechatSession\` payload to the Omnichannel webhook and tells you whether the receiver accepted it.`,
    `• \`/${COMMAND}\` runs the test; only you see the answer.`,
    `• \`/${COMMAND} help\` shows this help.`,
    'The receiver is the app setting "Webhook URL", or else the workspace\'s Omnichannel Webhook URL. ' +
        'It must answer HTTP 200: Rocket.Chat counts any other status as a failed delivery.',
    `You need the ${WEBHOOK_PERMISSION} permission.`,
].join('\n');

/** `/livechat-webhook-test [help]`: runs the same test as the endpoint and replies only to the sender. */
export class WebhookTestCommand implements ISlashCommand {
    public command = COMMAND;
    public i18nParamsExample = 'command_params_example';
    public i18nDescription = 'command_description';
    public permission = WEBHOOK_PERMISSION;
    public providesPreview = false;

    constructor(private readonly runner: WebhookTestRunner) {}

    public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
        const [argument] = context.getArguments();
        let text: string;
        if (argument === undefined) {
            text = formatOutcome(await this.runner.run({ user: context.getSender(), read, http }));
        } else if (argument.toLowerCase() === 'help') {
            text = HELP_TEXT;
        } else {
            text = `Unknown argument "${argument.slice(0, 40)}".\n${HELP_TEXT}`;
        }
        await replyPrivately(context, read, modify, text);
    }
}

export function formatOutcome(outcome: TestOutcome): string {
    const where = outcome.url ? ` to ${outcome.url}` : '';
    if (outcome.success) {
        return `✅ Webhook test delivered${where}: the receiver answered ${outcome.receiverStatus} in ${outcome.durationMs} ms.`;
    }
    return `❌ Webhook test failed${where} (${outcome.error}): ${outcome.reason}`;
}

async function replyPrivately(context: SlashCommandContext, read: IRead, modify: IModify, text: string): Promise<void> {
    const builder = modify.getCreator().startMessage().setRoom(context.getRoom()).setText(text).setGroupable(false);
    const appUser = await read.getUserReader().getAppUser();
    if (appUser) {
        builder.setSender(appUser);
    }
    await modify.getNotifier().notifyUser(context.getSender(), builder.getMessage());
}
