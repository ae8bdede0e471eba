import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import type { CheckAnswer } from '../check/Checks';
import { Answer, TestOutcome } from '../runner/answers';
import { readerLanguage } from '../i18n/language';
import { cat, Lang, render, t, Text } from '../i18n/text';
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

/** The help: one line per use. */
export function helpText(lang: Lang): string {
    const command = `/${COMMAND}`;
    return [
        t('help.intro', { command: `*${command}*` }),
        t('help.test', { command }),
        t('help.event', { command, events: EVENT_TYPES.join(', ') }),
        t('help.room', { command }),
        t('help.url', { command }),
        t('help.history', { command, lines: HISTORY_LINES }),
        t('help.check', { command }),
        t('help.readiness', { command }),
        t('help.watch', { command }),
        t('help.panel', { command }),
        t('help.help', { command }),
        t('help.receiver'),
        t('help.permission', { permission: WEBHOOK_PERMISSION }),
    ]
        .map((line) => render(line, lang))
        .join('\n');
}

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
        const lang = await readerLanguage(read, context.getSender());
        const reply = (text: Text, blocks?: Parameters<typeof replyPrivately>[5]) =>
            replyPrivately(read, modify, context.getSender(), context.getRoom(), render(text, lang), blocks);
        const refused = (answer: Answer) => reply(cat(['❌ ', answer.reason, ` (${answer.error})`]));
        const [first = '', second] = args.map((arg) => arg.trim());

        switch (first.toLowerCase()) {
            case 'help':
                return reply(helpText(lang));
            case 'panel': {
                const triggerId = context.getTriggerId();
                if (!this.panel || !triggerId) {
                    return reply(t('command.panelNeedsClient'));
                }
                return this.panel.open({ read, http, persis, modify }, context.getSender(), triggerId, context.getRoom());
            }
            case 'history': {
                const answer = await this.runner.deliveries(caller);
                return answer.deliveries ? reply(formatHistory(answer.deliveries, HISTORY_LINES, lang, answer.stats)) : refused(answer);
            }
            case 'check': {
                // `check [url <https://…>]`
                const target = second && second.toLowerCase() === 'url' ? args[2] : undefined;
                if ((second && !target) || args.length > 3) {
                    return reply(t('command.checkUsage', { command: `/${COMMAND}` }));
                }
                const body = target ? { url: target.replace(/^<([^|>]*)(\|[^>]*)?>$/, '$1') } : {};
                const show = (answer: CheckAnswer) => {
                    if (!answer.steps) {
                        return reply(formatOutcome(answer, lang));
                    }
                    const message = checkMessage(answer, lang);
                    return reply(message.text, message.blocks);
                };
                return show(
                    await this.runner.check(caller, body, (steps) => reply(t('command.checking', { steps })), { answerWithin: ENGINE_BUDGET_MS, onLate: show }),
                );
            }
            case 'readiness': {
                const answer = await this.runner.readiness(caller);
                if (!answer.readiness) {
                    return refused(answer);
                }
                const message = readinessMessage(answer.readiness, lang);
                return reply(message.text, message.blocks);
            }
            case 'watch': {
                if (second && second.toLowerCase() === 'now') {
                    const show = (outcome: WatchRunOutcome) => reply(formatWatchRun(outcome, lang), buildOutcomeBlocks(outcome, this.appId, lang));
                    return show(await this.runner.watchNow({ ...caller, modify }, { answerWithin: ENGINE_BUDGET_MS, onLate: show }));
                }
                if (second) {
                    return reply(t('command.watchUsage', { command: `/${COMMAND}` }));
                }
                const answer = await this.runner.watchStatus(caller);
                if (!answer.success || !answer.state) {
                    return refused(answer);
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
                    lang,
                );
                return reply(message.text, message.blocks);
            }
            case 'redeliver': {
                const show = (outcome: TestOutcome) => reply(formatOutcome(outcome, lang), buildOutcomeBlocks(outcome, this.appId, lang));
                return show(await this.runner.redeliver(caller, { id: second }, { answerWithin: ENGINE_BUDGET_MS, onLate: show }));
            }
        }
        // `url <https://…>` first (also as a formatted link `<https://…|label>`), then the event and `room` in any order.
        const url = first.toLowerCase() === 'url' && second ? second.replace(/^<([^|>]*)(\|[^>]*)?>$/, '$1') : undefined;
        if (first.toLowerCase() === 'url' && !url) {
            return reply(t('command.giveUrl', { command: `/${COMMAND}` }));
        }
        const rest = url === undefined ? args : args.slice(2);
        if (rest.length > 2) {
            return reply(`${render(t('command.tooManyArguments'), lang)}\n${helpText(lang)}`);
        }
        const inRoom = rest.some((arg) => arg.toLowerCase() === 'room');
        const event = rest.find((arg) => arg.toLowerCase() !== 'room');
        const show = (outcome: TestOutcome) => {
            const usage = outcome.error === 'error-invalid-event' ? `\n${render(t('command.typeHelp', { command: `/${COMMAND}` }), lang)}` : '';
            return reply(formatOutcome(outcome, lang) + usage, buildOutcomeBlocks(outcome, this.appId, lang));
        };
        const body = { event, roomId: inRoom ? context.getRoom().id : undefined, url };
        return show(await this.runner.run(caller, body, { answerWithin: ENGINE_BUDGET_MS, onLate: show }));
    }
}
