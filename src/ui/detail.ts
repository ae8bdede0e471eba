// The detail modal of one history entry: a delivery (its request and response, secrets masked) or a
// receiver check (its table). Pure.
import { UIKitSurfaceType } from '@rocket.chat/apps-engine/definition/uikit';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { checkMessage } from '../check/messages';
import type { CheckAnswer } from '../check/Checks';
import type { HistoryAnswer } from '../runner/answers';

type Entry = NonNullable<HistoryAnswer['entry']>;
import { code } from '../util/markdown';
import { when } from '../watch/messages';
import { DETAIL_VIEW_ID, MARKS, plain, statusOf, text } from './views';

/** The entry's modal: a check's table, or a delivery's detail. */
export function entryView(appId: string, item: Entry) {
    return item.source.kind === 'check' && item.check ? checkView(appId, item) : detailView(appId, item);
}

function detailView(appId: string, item: Entry) {
    const headers = (list?: { headers: { [name: string]: string } }) =>
        list && Object.keys(list.headers).length
            ? Object.entries(list.headers)
                  .map(([name, value]) => `${name}: ${value}`)
                  .join('\n')
            : '(none)';
    const fence = (value: string) => `\`\`\`\n${value.replace(/```/g, "'''")}\n\`\`\``;
    const blocks: Array<LayoutBlock> = [
        {
            type: 'section',
            text: text(
                `*${MARKS[item.verdict]} ${item.verdict}* · ${item.event} · ${statusOf(item)}${item.durationMs === undefined ? '' : ` · ${item.durationMs} ms`}`,
            ),
        },
        {
            type: 'section',
            fields: [
                text(`*URL*\n${item.url ? code(item.url) : '-'}`),
                text(`*Sent*\n${item.sentAt ? when(item.sentAt) : 'not sent'}`),
                text(`*By*\n${item.by}`),
                text(`*Rules*\n${item.rules || 'current'}`),
            ],
        },
        { type: 'context', elements: [text(item.hint)] },
        { type: 'section', text: text(`*Request headers*\n${fence(headers(item.request))}`) },
        { type: 'section', text: text(`*Response headers*\n${fence(headers(item.response))}`) },
        { type: 'section', text: text(`*Response* (first KiB)\n${fence(item.responseExcerpt || '(empty)')}`) },
        {
            type: 'context',
            elements: [
                text(
                    item.bodyWithheld
                        ? item.bodyWithheld
                        : item.body === undefined
                          ? 'The body was not kept (over 512 KiB).'
                          : `Body: ${new TextEncoder().encode(item.body).length} bytes sent.`,
                ),
            ],
        },
    ];
    return detailModal(appId, `Delivery ${item.id}`, blocks);
}

function checkView(appId: string, item: Entry) {
    const summary = item.check!;
    // The history keeps each step's report without bodies; the table reads the same fields.
    const answer = { ...summary, url: item.url, durationMs: item.durationMs } as unknown as CheckAnswer;
    const blocks: Array<LayoutBlock> = [
        ...checkMessage(answer).blocks,
        { type: 'context', elements: [text(`Run ${item.sentAt ? when(item.sentAt) : ''} by ${item.by}. *Check receiver* runs it again.`)] },
    ];
    return detailModal(appId, `Receiver check ${item.id}`, blocks);
}

function detailModal(appId: string, title: string, blocks: Array<LayoutBlock>) {
    return {
        id: DETAIL_VIEW_ID,
        type: UIKitSurfaceType.MODAL,
        title: plain(title),
        blocks,
        close: { type: 'button' as const, appId, blockId: 'detail', actionId: 'close', text: plain('Close') },
    };
}
