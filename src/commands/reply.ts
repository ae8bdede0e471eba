// How results look in a room: a UIKit block message with a plain-text fallback, sent privately.
import { IModify, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IRoom } from '@rocket.chat/apps-engine/definition/rooms';
import { IUser } from '@rocket.chat/apps-engine/definition/users';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import type { HistoryStats } from '../history/stats';
import { HistoryItem, TestOutcome } from '../runner/answers';
import type { WatchRunOutcome } from '../watch/view';
import { DeliveryReport, urlHost, Verdict } from '../delivery/report';
import { code } from '../util/markdown';

export const REDELIVER_ACTION_ID = 'livechat-webhook-test.redeliver';

const VERDICT_TITLES: { [verdict in Verdict]: string } = {
    'delivered': '✅ Delivered',
    'retried': '🔁 Failed: Rocket.Chat would retry',
    'dropped': '⛔ Failed: Rocket.Chat would drop it',
    'not-sent': '⚠️ Not sent',
    'refused': '🛡️ Refused: nothing was sent',
};

/** The plain-text reply (also the fallback of the block message). */
export function formatOutcome(outcome: TestOutcome): string {
    const error = outcome.error ? ` (${outcome.error})` : '';
    const delivery = outcome.delivery;
    if (outcome.running) {
        const what = { delivery: 'The delivery', check: 'The receiver check', watch: 'The watch run' }[outcome.running.kind];
        return `⏳ ${what} ${outcome.running.id} is still running: its outcome will be posted to you here when it ends, and kept in the history.`;
    }
    if (!delivery) {
        return `${outcome.success ? '✅' : '❌'} ${outcome.reason}${error}`;
    }
    const again = delivery.redeliveryOf ? ` (redelivery of ${delivery.redeliveryOf})` : '';
    const facts = [
        delivery.status === undefined ? statusText(delivery) : `status ${delivery.status}`,
        delivery.durationMs === undefined ? undefined : `${delivery.durationMs} ms`,
        `id ${delivery.id}`,
    ].filter(Boolean);
    return [
        `${VERDICT_TITLES[delivery.verdict]}: ${delivery.event} to ${delivery.url ? code(delivery.url) : '(no URL)'}${again}`,
        `${outcome.reason}${error}`,
        facts.join(' · '),
        delivery.hint,
    ].join('\n');
}

/** The block message: verdict, the facts as fields, the hint, and a "Send again" button. */
export function buildOutcomeBlocks(outcome: TestOutcome, appId: string): Array<LayoutBlock> | undefined {
    const delivery = outcome.delivery;
    if (!delivery) {
        return undefined;
    }
    const field = (label: string, value: string) => ({ type: 'mrkdwn' as const, text: `*${label}*\n${value}` });
    const blocks: Array<LayoutBlock> = [
        {
            type: 'section',
            text: { type: 'mrkdwn', text: `*${VERDICT_TITLES[delivery.verdict]}*${delivery.redeliveryOf ? ` (redelivery of ${delivery.redeliveryOf})` : ''}` },
        },
        {
            type: 'section',
            fields: [
                field('Status', statusText(delivery)),
                field('Time', delivery.durationMs === undefined ? '-' : `${delivery.durationMs} ms`),
                field('Event', delivery.event),
                field('URL host', delivery.url ? code(urlHost(delivery.url) || delivery.url) : '-'),
            ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: delivery.hint }] },
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
                    text: { type: 'plain_text', text: 'Send again' },
                    value: delivery.id,
                },
            ],
        },
    ];
    return blocks;
}

/** A watch run someone asked for: the test's reply, and what it did to the watch's state. */
export function formatWatchRun(outcome: WatchRunOutcome): string {
    if (!outcome.watch) {
        return formatOutcome(outcome);
    }
    const change = outcome.watch.change ? ` (${outcome.watch.change}${outcome.watch.posted ? ', posted in the alert room' : ''})` : '';
    const resumed = outcome.watch.resumed ? ' Scheduled runs resume.' : '';
    return `${formatOutcome(outcome)}\nHealth watch: ${outcome.watch.state}${change}.${resumed}`;
}

/** One line per delivery, for `history`. */
export function formatHistory(items: Array<HistoryItem>, limit: number, stats?: HistoryStats): string {
    if (items.length === 0) {
        return 'No deliveries recorded yet: run `/livechat-webhook-test` first.';
    }
    const rate = stats && stats.successRate !== null ? `${Math.round(stats.successRate * 1000) / 10} % delivered` : undefined;
    const p50 = stats && stats.p50Ms !== null ? `p50 ${stats.p50Ms} ms` : undefined;
    const figures = [rate, p50].filter(Boolean).join(', ');
    const lines = items.slice(0, limit).map((item) => {
        const when = item.sentAt ? item.sentAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : 'not sent';
        const result = item.status === undefined ? item.verdict : `${item.status} ${item.verdict}`;
        const time = item.durationMs === undefined ? '' : ` · ${item.durationMs} ms`;
        const again = item.redeliveryOf ? ` · again ${item.redeliveryOf}` : '';
        return `\`${item.id}\` · ${when} · ${item.event} · ${result}${time} · by ${item.by}${again}`;
    });
    const summary = figures ? ` (${figures})` : '';
    return [`Last ${lines.length} of ${items.length} deliveries${summary}, newest first (\`redeliver <id>\` sends one again):`, ...lines].join('\n');
}

/** The receiver's status, or else what kept it from answering. */
function statusText(delivery: DeliveryReport): string {
    return delivery.status === undefined ? delivery.errorKind || '-' : String(delivery.status);
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
