// The app's own surfaces in Rocket.Chat's UI: the Webhook panel (a contextual bar), the "Send test"
// form and the delivery detail (modals). Pure: a model in, UIKit views out.
import { UIKitSurfaceType } from '@rocket.chat/apps-engine/definition/uikit';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { Verdict } from '../delivery/report';
import { urlHost } from '../network/url';
import { EVENT_TYPES } from '../payloads/eventTypes';
import type { HistoryStats } from '../history/stats';
import type { DeliveryItem, HistoryItem } from '../gate/answers';
import type { WatchAnswer } from '../watch/view';
import { code } from '../util/markdown';
import { byScheduledWatch, pauseLine, watchStateLabel, when } from '../watch/messages';
import type { Readiness } from '../readiness/judge';
import { readinessHeadline } from '../readiness/messages';
import { FORM } from './form';
import type { Key } from '../i18n/catalogue';
import { errorKindLabel, verdictLabel } from '../delivery/labels';
import { Counts, eventLine, summaryOf } from '../traffic/counts';
import type { TrafficEvent } from '../traffic/journal';
import { Lang, Message, plural, render, t, Text } from '../i18n/text';

export const PANEL_VIEW_ID = 'livechat-webhook-test.panel';
export const SEND_VIEW_ID = 'livechat-webhook-test.send-form';
export const DETAIL_VIEW_ID = 'livechat-webhook-test.detail';

export const ACTIONS = {
    send: 'livechat-webhook-test.panel.send',
    check: 'livechat-webhook-test.panel.check',
    refresh: 'livechat-webhook-test.panel.refresh',
    delivery: 'livechat-webhook-test.panel.delivery',
    roomAction: 'livechat-webhook-test.room-action',
} as const;

export const MARKS: { [verdict in Verdict]: string } = { 'delivered': '✅', 'retried': '🔁', 'dropped': '⛔', 'not-sent': '⚠️', 'refused': '🛡️' };
const SHOWN_DELIVERIES = 10;
const SHOWN_ROOM_EVENTS = 8;

export interface PanelModel {
    appId: string;
    /** The reader's language. */
    lang: Lang;
    target?: { url: string; source: string };
    deliveries: Array<HistoryItem>;
    stats?: HistoryStats;
    watch?: WatchAnswer;
    /** What the workspace's real deliveries send, and where. */
    readiness?: Readiness;
    /** A line shown at the top: what just happened, or what went wrong. */
    notice?: { kind: 'info' | 'error'; text: Text };
    /** The room the room action opened the panel for (the "Send test" form preselects it). */
    roomId?: string;
    /** Real traffic, the last 24 h. */
    traffic?: Counts;
    /** The events of the conversation the room action opened the panel for, newest first. */
    roomTraffic?: { counts: Counts; events: Array<TrafficEvent> };
}

export const text = (value: string) => ({ type: 'mrkdwn' as const, text: value });
export const plain = (value: string) => ({ type: 'plain_text' as const, text: value, emoji: true });

const TARGET_SOURCES: { [source: string]: Message } = {
    'app-setting': t('panel.fromAppSetting'),
    'workspace-setting': t('panel.fromWorkspaceSetting'),
    'request': t('panel.fromRequest'),
};

export function panelView(model: PanelModel) {
    const { appId, lang } = model;
    const r = (value: Text) => render(value, lang);
    const label = (key: Key) => `*${r(t(key))}*`;
    const lastTest = model.deliveries.find((item): item is DeliveryItem => item.kind !== 'check');
    const blocks: Array<LayoutBlock> = [];
    if (model.notice) {
        blocks.push({ type: 'section', text: text(`${model.notice.kind === 'error' ? '❌' : 'ℹ️'} ${r(model.notice.text)}`) });
    }
    if (model.readiness) {
        const first = model.readiness.findings.find((finding) => finding.severity !== 'info');
        blocks.push({
            type: 'section',
            text: text(`${label('panel.workspace')}: ${workspaceLine(model.readiness, first && first.hint, r)}`),
        });
    }
    blocks.push({
        type: 'section',
        text: text(
            `${label('panel.target')}: ${r(
                model.target
                    ? t('panel.targetFrom', {
                          host: code(urlHost(model.target.url) || model.target.url),
                          source: TARGET_SOURCES[model.target.source] || model.target.source,
                      })
                    : t('panel.noTarget'),
            )}`,
        ),
    });
    blocks.push({
        type: 'section',
        text: text(
            `${label('panel.lastTest')}: ${
                lastTest
                    ? `${MARKS[lastTest.verdict]} ${r(verdictLabel(lastTest.verdict))} · ${lastTest.event} · ${statusOf(lastTest, lang)} · ${lastTest.sentAt ? when(lastTest.sentAt) : r(t('common.notSent'))}`
                    : r(t('panel.noneYet'))
            }`,
        ),
    });
    blocks.push({ type: 'section', text: text(`${label('panel.healthWatch')}: ${watchLine(lang, model.watch)}`) });
    const stats = model.stats;
    const rate = r(stats && stats.successRate !== null ? t('panel.rate', { percent: Math.round(stats.successRate * 1000) / 10 }) : t('panel.noDeliveriesYet'));
    blocks.push({
        type: 'section',
        text: text(
            `${label('panel.history')}: ${r(plural('panel.deliveries', stats ? stats.total : 0))} · ${rate}${stats && stats.p50Ms !== null ? ` · ${r(t('panel.median', { ms: stats.p50Ms }))}` : ''}`,
        ),
    });
    if (model.traffic) {
        blocks.push({ type: 'section', text: text(`${label('panel.traffic')}: ${r(summaryOf(model.traffic))}`) });
    }
    if (model.roomTraffic) {
        const lines = [
            t('traffic.room', { summary: summaryOf(model.roomTraffic.counts) }),
            ...model.roomTraffic.events.slice(0, SHOWN_ROOM_EVENTS).map(eventLine),
        ];
        blocks.push({ type: 'section', text: text(lines.map(r).join('\n')) });
    }
    blocks.push({
        type: 'actions',
        blockId: 'panel-actions',
        elements: [
            {
                type: 'button',
                appId,
                blockId: 'panel-actions',
                actionId: ACTIONS.send,
                text: plain(r(t('panel.sendTest'))),
                style: 'primary',
                value: model.roomId || '',
            },
            { type: 'button', appId, blockId: 'panel-actions', actionId: ACTIONS.check, text: plain(r(t('panel.checkReceiver'))), value: 'check' },
            refreshButton(appId, lang),
        ],
    });
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'context', elements: [text(`*${r(t('panel.lastDeliveries', { count: SHOWN_DELIVERIES }))}*`)] });
    const shown = model.deliveries.slice(0, SHOWN_DELIVERIES);
    if (shown.length === 0) {
        blocks.push({ type: 'section', text: text(r(t('panel.nothingSent'))) });
    }
    for (const item of shown) {
        const line =
            item.kind === 'check'
                ? `${item.check.ready ? '✅' : '⛔'} *${r(t('panel.receiverCheck'))}* · ${r(plural('check.stepCount', item.check.stepCount))} · ${item.durationMs} ms`
                : `${MARKS[item.verdict]} *${item.event}* · ${statusOf(item, lang)}${item.durationMs === undefined ? '' : ` · ${item.durationMs} ms`}`;
        blocks.push({
            type: 'section',
            blockId: `delivery-${item.id}`,
            text: text(`${line}\n${r(sentBy(item, when))}`),
            accessory: {
                type: 'overflow',
                appId,
                blockId: `delivery-${item.id}`,
                actionId: ACTIONS.delivery,
                options: [
                    ...(item.redeliverable ? [{ text: plain(r(t('common.sendAgain'))), value: `again:${item.id}` }] : []),
                    { text: plain(r(t('panel.details'))), value: `details:${item.id}` },
                ],
            },
        });
    }
    return panelSurface(blocks, lang);
}

/** The panel for someone who may not use it (or when it cannot be read): the reason and Refresh, nothing else. */
export function unavailableView(appId: string, reason: Text, lang: Lang) {
    const blocks: Array<LayoutBlock> = [
        { type: 'section', text: text(`❌ ${render(reason, lang)}`) },
        {
            type: 'actions',
            blockId: 'panel-actions',
            elements: [refreshButton(appId, lang)],
        },
    ];
    return panelSurface(blocks, lang);
}

export function sendFormView(appId: string, lang: Lang, roomId?: string) {
    const r = (value: Text) => render(value, lang);
    const options = EVENT_TYPES.map((event) => ({ text: plain(event), value: event }));
    const blocks: Array<LayoutBlock> = [
        {
            type: 'input',
            blockId: FORM.event,
            label: plain(r(t('form.event'))),
            element: {
                type: 'static_select',
                appId,
                blockId: FORM.event,
                actionId: FORM.event,
                placeholder: plain('LivechatSession'),
                options,
                initialValue: 'LivechatSession',
            },
        },
        {
            type: 'input',
            blockId: FORM.room,
            label: plain(r(t('form.room'))),
            optional: true,
            element: { type: 'plain_text_input', appId, blockId: FORM.room, actionId: FORM.room, ...(roomId && { initialValue: roomId }) },
        },
        {
            type: 'input',
            blockId: FORM.url,
            label: plain(r(t('form.url'))),
            optional: true,
            element: { type: 'plain_text_input', appId, blockId: FORM.url, actionId: FORM.url, placeholder: plain('https://…') },
        },
    ];
    return {
        id: SEND_VIEW_ID,
        type: UIKitSurfaceType.MODAL,
        title: plain(r(t('form.title'))),
        blocks,
        submit: { type: 'button' as const, appId, blockId: 'send-form', actionId: 'submit', text: plain(r(t('form.send'))) },
        close: { type: 'button' as const, appId, blockId: 'send-form', actionId: 'close', text: plain(r(t('common.cancel'))) },
    };
}

function panelSurface(blocks: Array<LayoutBlock>, lang: Lang) {
    return { id: PANEL_VIEW_ID, type: UIKitSurfaceType.CONTEXTUAL_BAR, title: plain(render(t('panel.title'), lang)), blocks, clearOnClose: true };
}

function refreshButton(appId: string, lang: Lang) {
    return {
        type: 'button' as const,
        appId,
        blockId: 'panel-actions',
        actionId: ACTIONS.refresh,
        text: plain(render(t('panel.refresh'), lang)),
        value: 'refresh',
    };
}

export function statusOf(item: DeliveryItem, lang: Lang): string {
    return item.status === undefined ? (item.errorKind ? render(errorKindLabel(item.errorKind), lang) : '-') : String(item.status);
}

function watchLine(lang: Lang, watch?: WatchAnswer): string {
    const r = (value: Text) => render(value, lang);
    if (!watch || !watch.enabled) {
        return watch && watch.settingError ? `⚠️ ${r(watch.settingError)}` : r(t('panel.watchOff'));
    }
    const marks = { unknown: '❔', healthy: '✅', failing: '⛔' };
    const state = watch.state || 'unknown';
    const uptime =
        watch.uptime && watch.uptime.ratio !== null
            ? ` · ${r(plural('panel.watchUptime', watch.uptime.runs, { percent: Math.round(watch.uptime.ratio * 1000) / 10 }))}`
            : '';
    const paused = watch.paused ? `\n${r(pauseLine({ runId: watch.paused.runId, at: watch.paused.since }))}` : '';
    const since = watch.since ? ` ${r(t('panel.since', { when: when(watch.since) }))}` : '';
    return `${marks[state]} ${r(watchStateLabel(state))}${since}${uptime}${paused}`;
}

/** "<when> · by <who>", the scheduled watch named in the reader's language. */
function sentBy(item: HistoryItem, whenOf: (iso: string) => string): Message {
    const watch = byScheduledWatch(item);
    if (!item.sentAt) {
        return watch ? t('panel.notSentByWatch') : t('panel.notSentBy', { by: item.by });
    }
    return watch ? t('panel.sentByWatch', { when: whenOf(item.sentAt) }) : t('panel.sentBy', { when: whenOf(item.sentAt), by: item.by });
}

/** The headline and the first finding as two sentences; when Rocket.Chat sends nothing, the finding alone says so and why. */
function workspaceLine(readiness: Readiness, hint: Text | undefined, r: (text: Text) => string): string {
    if (!hint) {
        return r(readinessHeadline(readiness));
    }
    return readiness.sends === false ? `⛔ ${r(hint)}` : `${r(readinessHeadline(readiness))}. ${r(hint)}`;
}
