import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import type { CheckAnswer } from '../check/Checks';
import { TestOutcome } from '../runner/answers';
import type { WatchRunOutcome } from '../watch/view';
import { Caller } from '../runner/caller';
import { Services } from '../wiring/Services';
import { ENGINE_BUDGET_MS } from '../runner/running';
import { EVENT_TYPES } from '../payloads/events';
import { checkMessage } from '../check/messages';
import type { Panel } from '../ui/Panel';
import { statusMessage } from '../watch/messages';
import { readinessMessage } from '../readiness/messages';
import { buildOutcomeBlocks, formatHistory, formatOutcome, formatWatchRun, replyPrivately } from './reply';

export const COMMAND = 'livechat-webhook-test';
export const HISTORY_LINES = 10;

export const HELP_TEXT = [
    `*/${COMMAND}* sends a sample Omnichannel webhook payload and tells you what Rocket.Chat's real deliveries would do with the receiver's answer. Only you see the replies.`,
    `• \`/${COMMAND}\` sends Rocket.Chat's own test sample (\`LivechatSession\`).`,
    `• \`/${COMMAND} <event>\` sends a sample of another event: ${EVENT_TYPES.join(', ')}.`,
    `• \`/${COMMAND} room [event]\` builds the payload from this Omnichannel room (its visitor, agent and last 100 messages).`,
    `• \`/${COMMAND} url <https://…> [event] [room]\` tests another URL than the saved one (the same network policy applies), without the secret token and unsigned: secrets go only to the saved URL.`,
    `• \`/${COMMAND} history\` lists the last ${HISTORY_LINES} deliveries; \`/${COMMAND} redeliver <id>\` sends one again.`,
    `• \`/${COMMAND} check [url <https://…>]\` checks the receiver: every event, whether it refuses a missing or wrong token or signature, its speed.`,
    `• \`/${COMMAND} readiness\` shows what the workspace's real deliveries send (each event and the setting that decides it) and where.`,
    `• \`/${COMMAND} watch\` shows the health watch (state, uptime, last run); \`/${COMMAND} watch now\` runs it at once.`,
    `• \`/${COMMAND} panel\` opens the Webhook panel: target, last test, watch, history, and buttons for all of it.`,
    `• \`/${COMMAND} help\` shows this help.`,
    'The receiver is the app setting "Webhook URL", or else the workspace\'s Omnichannel Webhook URL. ' +
        'It must answer HTTP 200: Rocket.Chat drops other 2xx/3xx/4xx answers and retries 5xx, 429, timeouts and network errors.',
    `You need the ${WEBHOOK_PERMISSION} permission.`,
].join('\n');

/** `/livechat-webhook-test [event] [room] | url <…> | history | redeliver <id> | check | readiness | watch [now] | panel | help`: the endpoint's test, replied privately. */
export class WebhookTestCommand implements ISlashCommand {
    public command = COMMAND;
    public i18nParamsExample = 'command_params_example';
    public i18nDescription = 'command_description';
    public permission = WEBHOOK_PERMISSION;
    public providesPreview = false;

    constructor(
        private readonly runner: Services,
        private readonly appId: string,
        private readonly panel?: Panel,
    ) {}

    public async executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
        const args = context.getArguments().filter((arg) => arg.trim() !== '');
        const caller: Caller = { user: context.getSender(), read, http, persis };
        const reply = (text: string, blocks?: Parameters<typeof replyPrivately>[5]) =>
            replyPrivately(read, modify, context.getSender(), context.getRoom(), text, blocks);
        const [first = '', second] = args.map((arg) => arg.trim());

        switch (first.toLowerCase()) {
            case 'help':
                return reply(HELP_TEXT);
            case 'panel': {
                const triggerId = context.getTriggerId();
                if (!this.panel || !triggerId) {
                    return reply('The panel needs a Rocket.Chat client that opens app views: run the command from the web or desktop app.');
                }
                return this.panel.open({ read, http, persis, modify }, context.getSender(), triggerId, context.getRoom());
            }
            case 'history': {
                const answer = await this.runner.deliveries(caller);
                return reply(answer.deliveries ? formatHistory(answer.deliveries, HISTORY_LINES, answer.stats) : `❌ ${answer.reason} (${answer.error})`);
            }
            case 'check': {
                // `check [url <https://…>]`
                const target = second && second.toLowerCase() === 'url' ? args[2] : undefined;
                if ((second && !target) || args.length > 3) {
                    return reply(`Usage: \`/${COMMAND} check\` or \`/${COMMAND} check url <https://…>\`.`);
                }
                const body = target ? { url: target.replace(/^<([^|>]*)(\|[^>]*)?>$/, '$1') } : {};
                const show = (answer: CheckAnswer) => {
                    if (!answer.steps) {
                        return reply(formatOutcome(answer));
                    }
                    const message = checkMessage(answer);
                    return reply(message.text, message.blocks);
                };
                return show(
                    await this.runner.check(caller, body, (steps) => reply(`Checking ${steps} steps…`), { answerWithin: ENGINE_BUDGET_MS, onLate: show }),
                );
            }
            case 'readiness': {
                const answer = await this.runner.readiness(caller);
                if (!answer.readiness) {
                    return reply(`❌ ${answer.reason} (${answer.error})`);
                }
                const message = readinessMessage(answer.readiness);
                return reply(message.text, message.blocks);
            }
            case 'watch': {
                if (second && second.toLowerCase() === 'now') {
                    const show = (outcome: WatchRunOutcome) => reply(formatWatchRun(outcome), buildOutcomeBlocks(outcome, this.appId));
                    return show(await this.runner.watchNow({ ...caller, modify }, { answerWithin: ENGINE_BUDGET_MS, onLate: show }));
                }
                if (second) {
                    return reply(`\`/${COMMAND} watch\` shows the health watch; \`/${COMMAND} watch now\` runs it at once.`);
                }
                const answer = await this.runner.watchStatus(caller);
                if (!answer.success || !answer.state) {
                    return reply(`❌ ${answer.reason} (${answer.error})`);
                }
                const message = statusMessage(
                    {
                        enabled: !!answer.enabled,
                        intervalMinutes: answer.intervalMinutes || 0,
                        event: answer.event || '-',
                        state: {
                            v: 1,
                            state: answer.state,
                            since: answer.since,
                            consecutiveFailures: answer.consecutiveFailures || 0,
                            runs: answer.runs || [],
                        },
                        settingError: answer.settingError,
                        ...(answer.paused && { paused: { runId: answer.paused.runId, at: answer.paused.since, startedAt: 0 } }),
                    },
                    this.appId,
                );
                return reply(message.text, message.blocks);
            }
            case 'redeliver': {
                const show = (outcome: TestOutcome) => reply(formatOutcome(outcome), buildOutcomeBlocks(outcome, this.appId));
                return show(await this.runner.redeliver(caller, { id: second }, { answerWithin: ENGINE_BUDGET_MS, onLate: show }));
            }
        }
        // `url <https://…>` first (also as a formatted link `<https://…|label>`), then the event and `room` in any order.
        const url = first.toLowerCase() === 'url' && second ? second.replace(/^<([^|>]*)(\|[^>]*)?>$/, '$1') : undefined;
        if (first.toLowerCase() === 'url' && !url) {
            return reply(`Give the URL to test: \`/${COMMAND} url https://crm.example.com/hook\`.`);
        }
        const rest = url === undefined ? args : args.slice(2);
        if (rest.length > 2) {
            return reply(`Too many arguments.\n${HELP_TEXT}`);
        }
        const inRoom = rest.some((arg) => arg.toLowerCase() === 'room');
        const event = rest.find((arg) => arg.toLowerCase() !== 'room');
        const show = (outcome: TestOutcome) => {
            const usage = outcome.error === 'error-invalid-event' ? `\nType \`/${COMMAND} help\` for the usage.` : '';
            return reply(formatOutcome(outcome) + usage, buildOutcomeBlocks(outcome, this.appId));
        };
        const body = { event, roomId: inRoom ? context.getRoom().id : undefined, url };
        return show(await this.runner.run(caller, body, { answerWithin: ENGINE_BUDGET_MS, onLate: show }));
    }
}
