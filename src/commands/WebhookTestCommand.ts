import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IApp } from '@rocket.chat/apps-engine/definition/IApp';
import { ISlashCommand, SlashCommandContext } from '@rocket.chat/apps-engine/definition/slashcommands';

import { withCall } from '../call/call';
import { pass } from '../gate/gate';
import type { Stores } from '../gate/stores';
import { WEBHOOK_PERMISSION } from '../permissions/PermissionGuard';
import { Answer, HistoryAnswer, TestOutcome } from '../gate/answers';
import { readerLanguage } from '../i18n/language';
import { cat, Lang, render, t, Text } from '../i18n/text';
import type { WatchAnswer, WatchRunOutcome } from '../watch/view';
import { EVENT_TYPES } from '../payloads/events';
import { checkMessage } from '../check/messages';
import { openPanel, UiCall } from '../ui/Panel';
import { statusMessage } from '../watch/messages';
import { readinessMessage } from '../readiness/messages';
import { CheckAnswer, checkWithPlan } from '../usecases/check';
import { DELIVERIES } from '../usecases/deliveries';
import { READINESS, ReadinessAnswer } from '../usecases/readiness';
import { REDELIVER } from '../usecases/redeliver';
import { TEST } from '../usecases/test';
import { WATCH_NOW, WATCH_STATUS } from '../usecases/watch';
import { BACKFILL, BackfillAnswer } from '../usecases/backfill';
import { TRAFFIC, TrafficAnswer } from '../usecases/traffic';
import { TRAFFIC_WINDOW_MS } from '../usecases/readiness';
import { buildOutcomeBlocks, formatBackfill, formatHistory, formatOutcome, formatTraffic, formatWatchRun, replyPrivately } from './reply';

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
        t('help.traffic', { command }),
        t('help.watch', { command }),
        t('help.panel', { command }),
        t('help.help', { command }),
        t('help.receiver'),
        t('help.permission', { permission: WEBHOOK_PERMISSION }),
    ]
        .map((line) => render(line, lang))
        .join('\n');
}

/** `/livechat-webhook-test [event] [room] | url <…> | history | redeliver <id> | check | readiness | traffic | backfill <from> <to> | watch [now] | panel | help`: replied privately. */
export class WebhookTestCommand implements ISlashCommand {
    public command = COMMAND;
    public i18nParamsExample = 'command_params_example';
    public i18nDescription = 'command_description';
    public permission = WEBHOOK_PERMISSION;
    public providesPreview = false;

    /** `app`: kept as a property so that the engine hands each call its own (1.62: a proxy holding the call's logger). */
    constructor(
        public readonly app: IApp,
        private readonly stores: Stores,
    ) {}

    public executor(context: SlashCommandContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
        return withCall(this.app, { user: context.getSender(), read, http, persis, modify }, (call) => this.run(call, context));
    }

    private async run(call: UiCall, context: SlashCommandContext): Promise<void> {
        const { read, modify } = call;
        const { stores } = this;
        const appId = stores.appId;
        const inTime = { answerWithin: stores.budgets.engineMs };
        const args = context.getArguments().filter((arg) => arg.trim() !== '');
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
                if (!triggerId) {
                    return reply(t('command.panelNeedsClient'));
                }
                return openPanel(stores, call, triggerId, context.getRoom());
            }
            case 'history': {
                const answer: HistoryAnswer = await pass(stores, call, DELIVERIES, {});
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
                const planned = (steps: number) => reply(t('command.checking', { steps }));
                return show(await pass(stores, call, checkWithPlan(planned), body, { ...inTime, onLate: show }));
            }
            case 'traffic': {
                const answer: TrafficAnswer = await pass(stores, call, TRAFFIC, { since: new Date(Date.now() - TRAFFIC_WINDOW_MS).toISOString(), limit: '10' });
                return answer.events ? reply(formatTraffic(answer, lang)) : refused(answer);
            }
            case 'backfill': {
                // `backfill <from> <to>`: ISO times, as GET webhook.traffic shows them.
                const show = (answer: BackfillAnswer) => reply(formatBackfill(answer, lang));
                return show(await pass(stores, call, BACKFILL, { from: second, to: args[2] }, { ...inTime, onLate: show }));
            }
            case 'readiness': {
                const answer: ReadinessAnswer = await pass(stores, call, READINESS, undefined);
                if (!answer.readiness) {
                    return refused(answer);
                }
                const message = readinessMessage(answer.readiness, lang);
                return reply(message.text, message.blocks);
            }
            case 'watch': {
                if (second && second.toLowerCase() === 'now') {
                    const show = (outcome: WatchRunOutcome) => reply(formatWatchRun(outcome, lang), buildOutcomeBlocks(outcome, appId, lang));
                    return show(await pass(stores, call, WATCH_NOW, undefined, { ...inTime, onLate: show }));
                }
                if (second) {
                    return reply(t('command.watchUsage', { command: `/${COMMAND}` }));
                }
                const answer: WatchAnswer = await pass(stores, call, WATCH_STATUS, undefined);
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
                    appId,
                    lang,
                );
                return reply(message.text, message.blocks);
            }
            case 'redeliver': {
                const show = (outcome: TestOutcome) => reply(formatOutcome(outcome, lang), buildOutcomeBlocks(outcome, appId, lang));
                return show(await pass(stores, call, REDELIVER, { id: second }, { ...inTime, onLate: show }));
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
            return reply(formatOutcome(outcome, lang) + usage, buildOutcomeBlocks(outcome, appId, lang));
        };
        const body = { event, roomId: inRoom ? context.getRoom().id : undefined, url };
        return show(await pass(stores, call, TEST, body, { ...inTime, onLate: show }));
    }
}
