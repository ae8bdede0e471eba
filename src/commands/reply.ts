// How results look in a room: a UIKit block message with a plain-text fallback, sent privately.
import { IModify, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import type { HistoryStats } from '../history/stats';
import { HistoryItem, TestOutcome } from '../gate/answers';
import type { WatchRunOutcome } from '../watch/view';
import type { BackfillAnswer } from '../usecases/backfill';
import type { TrafficAnswer } from '../usecases/traffic';
import { eventLine, summaryOf } from '../traffic/counts';
import { byScheduledWatch, watchStateLabel } from '../watch/messages';
import { DeliveryReport, Verdict } from '../delivery/report';
import { urlHost } from '../network/url';
import { code } from '../util/markdown';
import { errorKindLabel, verdictLabel } from '../delivery/labels';
import { cat, Lang, Message, render, t, Text } from '../i18n/text';

export const REDELIVER_ACTION_ID = 'livechat-webhook-test.redeliver';

const VERDICT_TITLES: { [verdict in Verdict]: Message } = {
    'delivered': t('reply.delivered'),
    'retried': t('reply.retried'),
    'dropped': t('reply.dropped'),
    'not-sent': t('reply.notSent'),
    'refused': t('reply.refused'),
};

const STILL_RUNNING = {
    delivery: 'reply.stillRunningDelivery',
    check: 'reply.stillRunningCheck',
    watch: 'reply.stillRunningWatch',
    backfill: 'reply.stillRunningBackfill',
} as const;

/** The plain-text reply (also the fallback of the block message). */
export function formatOutcome(outcome: TestOutcome, lang: Lang): string {
    const r = (value: Text) => render(value, lang);
    const error = outcome.error ? ` (${outcome.error})` : '';
    const delivery = outcome.delivery;
    if (outcome.running) {
        return r(t(STILL_RUNNING[outcome.running.kind], { id: outcome.running.id }));
    }
    if (!delivery) {
        return `${outcome.success ? '✅' : '❌'} ${r(outcome.reason)}${error}`;
    }
    const again = delivery.redeliveryOf ? ` ${r(t('reply.redeliveryOf', { id: delivery.redeliveryOf }))}` : '';
    const facts = [
        delivery.status === undefined ? statusText(delivery, lang) : r(t('reply.status', { status: delivery.status })),
        delivery.durationMs === undefined ? undefined : `${delivery.durationMs} ms`,
        `id ${delivery.id}`,
    ].filter(Boolean);
    return [
        `${r(VERDICT_TITLES[delivery.verdict])}: ${r(t('reply.eventTo', { event: delivery.event, url: delivery.url ? code(delivery.url) : r(t('common.noUrl')) }))}${again}`,
        `${r(outcome.reason)}${error}`,
        facts.join(' · '),
        r(delivery.hint),
    ].join('\n');
}

/** The block message: verdict, the facts as fields, the hint, and a "Send again" button. */
export function buildOutcomeBlocks(outcome: TestOutcome, appId: string, lang: Lang): Array<LayoutBlock> | undefined {
    const r = (value: Text) => render(value, lang);
    const delivery = outcome.delivery;
    if (!delivery) {
        return undefined;
    }
    const field = (label: Text, value: string) => ({ type: 'mrkdwn' as const, text: `*${r(label)}*\n${value}` });
    const blocks: Array<LayoutBlock> = [
        {
            type: 'section',
            text: {
                type: 'mrkdwn',
                text: `*${r(VERDICT_TITLES[delivery.verdict])}*${delivery.redeliveryOf ? ` ${r(t('reply.redeliveryOf', { id: delivery.redeliveryOf }))}` : ''}`,
            },
        },
        {
            type: 'section',
            fields: [
                field(t('common.status'), statusText(delivery, lang)),
                field(t('reply.time'), delivery.durationMs === undefined ? '-' : `${delivery.durationMs} ms`),
                field(t('reply.event'), delivery.event),
                field(t('reply.urlHost'), delivery.url ? code(urlHost(delivery.url) || delivery.url) : '-'),
            ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: r(delivery.hint) }] },
        {
            type: 'actions',
            appId,
            blockId: `delivery-${delivery.id}`,
            elements: [
                {
                    type: 'button',
                    appId,
                    blockId: `delivery-${delivery.id}`,
                    actionId: REDELIVER_ACTION_ID,
                    text: { type: 'plain_text', text: r(t('common.sendAgain')) },
                    value: delivery.id,
                },
            ],
        },
    ];
    return blocks;
}

const WATCH_CHANGES = { failing: t('reply.changeFailing'), recovered: t('reply.changeRecovered') };

/** A watch run someone asked for: the test's reply, and what it did to the watch's state. */
export function formatWatchRun(outcome: WatchRunOutcome, lang: Lang): string {
    if (!outcome.watch) {
        return formatOutcome(outcome, lang);
    }
    const { watch } = outcome;
    const state = watchStateLabel(watch.state);
    const line = watch.change
        ? t(watch.posted ? 'reply.watchChangedPosted' : 'reply.watchChanged', { state, change: WATCH_CHANGES[watch.change] })
        : t('reply.watchState', { state });
    return `${formatOutcome(outcome, lang)}\n${render(cat([line, watch.resumed && t('reply.watchResumed')], ' '), lang)}`;
}

/** Slash `traffic`: the last 24 h per event type, then the newest events. */
export function formatTraffic(answer: TrafficAnswer, lang: Lang): string {
    return [t('traffic.title', { summary: summaryOf(answer.counts || {}) }), ...(answer.events || []).map(eventLine)]
        .map((line) => render(line, lang))
        .join('\n');
}

/** A backfill's outcome, for the button and the slash command. */
export function formatBackfill(answer: BackfillAnswer, lang: Lang): string {
    const r = (value: Text) => render(value, lang);
    if (answer.running) {
        return r(t(STILL_RUNNING[answer.running.kind], { id: answer.running.id }));
    }
    const mark = answer.success ? '✅' : '❌';
    const error = answer.error ? ` (${answer.error})` : '';
    const result = answer.backfill;
    const ids = result && result.delivered.length ? `\n${result.delivered.map((item) => `\`${item.eventId}\` → \`${item.deliveryId}\``).join('\n')}` : '';
    return `${mark} ${r(answer.reason)}${error}${ids}`;
}

/** One line per delivery, for `history`. */
export function formatHistory(items: Array<HistoryItem>, limit: number, lang: Lang, stats?: HistoryStats): string {
    const r = (value: Text) => render(value, lang);
    if (items.length === 0) {
        return r(t('reply.noHistory'));
    }
    const rate = stats && stats.successRate !== null ? r(t('panel.rate', { percent: Math.round(stats.successRate * 1000) / 10 })) : undefined;
    const p50 = stats && stats.p50Ms !== null ? r(t('panel.median', { ms: stats.p50Ms })) : undefined;
    const figures = [rate, p50].filter(Boolean).join(', ');
    const lines = items.slice(0, limit).map((item) => {
        const when = item.sentAt ? item.sentAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : r(t('common.notSent'));
        if (item.kind === 'check') {
            return `\`${item.id}\` · ${when} · ${item.check.ready ? '✅' : '⛔'} ${r(item.summary)} · ${item.durationMs} ms · ${r(t('reply.by', { by: item.by }))}`;
        }
        const verdict = r(verdictLabel(item.verdict));
        const result = item.status === undefined ? verdict : `${item.status} ${verdict}`;
        const time = item.durationMs === undefined ? '' : ` · ${item.durationMs} ms`;
        const again = item.redeliveryOf ? ` · ${r(t('reply.again', { id: item.redeliveryOf }))}` : '';
        const by = byScheduledWatch(item) ? t('reply.byWatch') : t('reply.by', { by: item.by });
        return `\`${item.id}\` · ${when} · ${item.event} · ${result}${time} · ${r(by)}${again}`;
    });
    const summary = figures ? ` (${figures})` : '';
    return [r(t('reply.historyTitle', { shown: lines.length, total: items.length, summary })), ...lines].join('\n');
}

/** The receiver's status, or else what kept it from answering. */
function statusText(delivery: DeliveryReport, lang: Lang): string {
    return delivery.status === undefined ? (delivery.errorKind ? render(errorKindLabel(delivery.errorKind), lang) : '-') : String(delivery.status);
}

/** "Only you can see this": a notification to one user in the room the command came from. */
export async function replyPrivately(read: IRead, modify: IModify, to: IUser, room: IRoom, text: string, blocks?: Array<LayoutBlock>): Promise<void> {
    const builder = modify.getCreator().startMessage().setRoom(room).setText(text).setGroupable(false);
    if (blocks) {
        builder.setBlocks(blocks);
    }
    const appUser = await read.getUserReader().getAppUser();
    if (appUser) {
        builder.setSender(appUser);
    }
    await modify.getNotifier().notifyUser(to, builder.getMessage());
}
