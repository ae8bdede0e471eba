// The detail modal of one history entry: a delivery (its request and response, secrets masked) or a
// receiver check (its table). Pure.
import { UIKitSurfaceType } from '@rocket.chat/apps-engine/definition/uikit';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { checkMessage } from '../check/messages';
import type { CheckAnswer } from '../usecases/check';
import type { HistoryAnswer } from '../gate/answers';

type Entry = NonNullable<HistoryAnswer['entry']>;
type DeliveryEntry = Exclude<Entry, { kind: 'check' }>;
type CheckEntry = Extract<Entry, { kind: 'check' }>;
import { code } from '../util/markdown';
import { byScheduledWatch, when } from '../watch/messages';
import { DETAIL_VIEW_ID, MARKS, plain, statusOf, text } from './views';
import { verdictLabel } from '../delivery/labels';
import { Lang, render, t, Text } from '../i18n/text';

/** The entry's modal: a check's table, or a delivery's detail. */
export function entryView(appId: string, item: Entry, lang: Lang) {
    return item.kind === 'check' ? checkView(appId, item, lang) : detailView(appId, item, lang);
}

function detailView(appId: string, item: DeliveryEntry, lang: Lang) {
    const r = (value: Text) => render(value, lang);
    const headers = (list?: { headers: { [name: string]: string } }) =>
        list && Object.keys(list.headers).length
            ? Object.entries(list.headers)
                  .map(([name, value]) => `${name}: ${value}`)
                  .join('\n')
            : r(t('detail.none'));
    const fence = (value: string) => `\`\`\`\n${value.replace(/```/g, "'''")}\n\`\`\``;
    const blocks: Array<LayoutBlock> = [
        {
            type: 'section',
            text: text(
                `*${MARKS[item.verdict]} ${r(verdictLabel(item.verdict))}* · ${item.event} · ${statusOf(item, lang)}${item.durationMs === undefined ? '' : ` · ${item.durationMs} ms`}`,
            ),
        },
        {
            type: 'section',
            fields: [
                text(`*URL*\n${item.url ? code(item.url) : '-'}`),
                text(`*${r(t('detail.sent'))}*\n${item.sentAt ? when(item.sentAt) : r(t('common.notSent'))}`),
                text(`*${r(t('detail.by'))}*\n${byScheduledWatch(item) ? r(t('actor.watch')) : item.by}`),
                text(`*${r(t('detail.rules'))}*\n${r(t(item.rules === 'legacy' ? 'detail.rulesLegacy' : 'detail.rulesCurrent'))}`),
            ],
        },
        { type: 'context', elements: [text(r(item.hint))] },
        { type: 'section', text: text(`*${r(t('detail.requestHeaders'))}*\n${fence(headers(item.request))}`) },
        { type: 'section', text: text(`*${r(t('detail.responseHeaders'))}*\n${fence(headers(item.response))}`) },
        { type: 'section', text: text(`*${r(t('detail.response'))}* ${r(t('detail.firstKiB'))}\n${fence(item.responseExcerpt || r(t('detail.empty')))}`) },
        {
            type: 'context',
            elements: [
                text(
                    r(
                        item.bodyWithheld
                            ? item.bodyWithheld
                            : item.body === undefined
                              ? t('detail.bodyNotKept')
                              : t('detail.bodyBytes', { bytes: new TextEncoder().encode(item.body).length }),
                    ),
                ),
            ],
        },
    ];
    return detailModal(appId, r(t('detail.deliveryTitle', { id: item.id })), blocks, lang);
}

function checkView(appId: string, item: CheckEntry, lang: Lang) {
    const summary = item.check;
    // The history keeps each step's report without bodies; the table reads the same fields.
    const answer = { ...summary, url: item.url, durationMs: item.durationMs } as unknown as CheckAnswer;
    const blocks: Array<LayoutBlock> = [
        ...checkMessage(answer, lang).blocks,
        { type: 'context', elements: [text(render(t('detail.checkRun', { when: item.sentAt ? when(item.sentAt) : '', by: item.by }), lang))] },
    ];
    return detailModal(appId, render(t('detail.checkTitle', { id: item.id }), lang), blocks, lang);
}

function detailModal(appId: string, title: string, blocks: Array<LayoutBlock>, lang: Lang) {
    return {
        id: DETAIL_VIEW_ID,
        type: UIKitSurfaceType.MODAL,
        title: plain(title),
        blocks,
        close: { type: 'button' as const, appId, blockId: 'detail', actionId: 'close', text: plain(render(t('common.close'), lang)) },
    };
}
