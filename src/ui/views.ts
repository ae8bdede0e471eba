// The app's own surfaces in Rocket.Chat's UI: the Webhook panel (a contextual bar), the "Send test"
// form and the delivery detail (modals). Pure: a model in, UIKit views out.
import { UIKitSurfaceType } from '@rocket.chat/apps-engine/definition/uikit';
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { urlHost, Verdict } from '../delivery/report';
import { EVENT_TYPES } from '../payloads/eventTypes';
import type { HistoryStats } from '../history/stats';
import type { HistoryItem } from '../runner/answers';
import type { WatchAnswer } from '../watch/view';
import { code } from '../util/markdown';
import { pauseLine, when } from '../watch/messages';
import type { Readiness } from '../readiness/judge';
import { readinessHeadline } from '../readiness/messages';
import { FORM } from './form';

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

export interface PanelModel {
    appId: string;
    target?: { url: string; source: string };
    deliveries: Array<HistoryItem>;
    stats?: HistoryStats;
    watch?: WatchAnswer;
    /** What the workspace's real deliveries send, and where. */
    readiness?: Readiness;
    /** A line shown at the top: what just happened, or what went wrong. */
    notice?: { kind: 'info' | 'error'; text: string };
    /** The room the room action opened the panel for (the "Send test" form preselects it). */
    roomId?: string;
}

export const text = (value: string) => ({ type: 'mrkdwn' as const, text: value });
export const plain = (value: string) => ({ type: 'plain_text' as const, text: value, emoji: true });

export function panelView(model: PanelModel) {
    const { appId } = model;
    const lastTest = model.deliveries.find((item) => item.source.kind !== 'check');
    const blocks: Array<LayoutBlock> = [];
    if (model.notice) {
        blocks.push({ type: 'section', text: text(`${model.notice.kind === 'error' ? '❌' : 'ℹ️'} ${model.notice.text}`) });
    }
    if (model.readiness) {
        const first = model.readiness.findings.find((finding) => finding.severity !== 'info');
        blocks.push({ type: 'section', text: text(`*Workspace*: ${readinessHeadline(model.readiness)}${first ? `\n${first.hint}` : ''}`) });
    }
    const source = model.target
        ? { 'app-setting': "the app's Webhook URL", 'workspace-setting': "the workspace's Omnichannel Webhook URL", 'request': 'this request' }[
              model.target.source
          ]
        : undefined;
    blocks.push({
        type: 'section',
        text: text(model.target ? `*Target*: ${code(urlHost(model.target.url) || model.target.url)} (from ${source})` : '*Target*: no webhook URL is set'),
    });
    blocks.push({
        type: 'section',
        text: text(
            lastTest
                ? `*Last test*: ${MARKS[lastTest.verdict]} ${lastTest.verdict} · ${lastTest.event} · ${statusOf(lastTest)} · ${lastTest.sentAt ? when(lastTest.sentAt) : 'not sent'}`
                : '*Last test*: none yet',
        ),
    });
    blocks.push({ type: 'section', text: text(`*Health watch*: ${watchLine(model.watch)}`) });
    const stats = model.stats;
    const rate = stats && stats.successRate !== null ? `${Math.round(stats.successRate * 1000) / 10} % delivered` : 'no deliveries yet';
    blocks.push({
        type: 'section',
        text: text(`*History*: ${stats ? stats.total : 0} deliveries · ${rate}${stats && stats.p50Ms !== null ? ` · p50 ${stats.p50Ms} ms` : ''}`),
    });
    blocks.push({
        type: 'actions',
        blockId: 'panel-actions',
        elements: [
            { type: 'button', appId, blockId: 'panel-actions', actionId: ACTIONS.send, text: plain('Send test'), style: 'primary', value: model.roomId || '' },
            { type: 'button', appId, blockId: 'panel-actions', actionId: ACTIONS.check, text: plain('Check receiver'), value: 'check' },
            refreshButton(appId),
        ],
    });
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'context', elements: [text(`*Last ${SHOWN_DELIVERIES} deliveries*`)] });
    const shown = model.deliveries.slice(0, SHOWN_DELIVERIES);
    if (shown.length === 0) {
        blocks.push({ type: 'section', text: text('Nothing sent yet: *Send test* sends the first one.') });
    }
    for (const item of shown) {
        const line =
            item.source.kind === 'check'
                ? `${item.check && item.check.ready ? '✅' : '⛔'} *Receiver check* · ${item.check ? item.check.stepCount : 0} steps · ${item.durationMs} ms`
                : `${MARKS[item.verdict]} *${item.event}* · ${statusOf(item)}${item.durationMs === undefined ? '' : ` · ${item.durationMs} ms`}`;
        blocks.push({
            type: 'section',
            blockId: `delivery-${item.id}`,
            text: text(`${line}\n${item.sentAt ? when(item.sentAt) : 'not sent'} · by ${item.by}`),
            accessory: {
                type: 'overflow',
                appId,
                blockId: `delivery-${item.id}`,
                actionId: ACTIONS.delivery,
                options: [
                    ...(item.redeliverable ? [{ text: plain('Send again'), value: `again:${item.id}` }] : []),
                    { text: plain('Details'), value: `details:${item.id}` },
                ],
            },
        });
    }
    return panelSurface(blocks);
}

/** The panel for someone who may not use it (or when it cannot be read): the reason and Refresh, nothing else. */
export function unavailableView(appId: string, reason: string) {
    const blocks: Array<LayoutBlock> = [
        { type: 'section', text: text(`❌ ${reason}`) },
        {
            type: 'actions',
            blockId: 'panel-actions',
            elements: [refreshButton(appId)],
        },
    ];
    return panelSurface(blocks);
}

export function sendFormView(appId: string, roomId?: string) {
    const options = EVENT_TYPES.map((event) => ({ text: plain(event), value: event }));
    const blocks: Array<LayoutBlock> = [
        {
            type: 'input',
            blockId: FORM.event,
            label: plain('Event'),
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
            label: plain('Omnichannel room id (optional): build the payload from that conversation'),
            optional: true,
            element: { type: 'plain_text_input', appId, blockId: FORM.room, actionId: FORM.room, ...(roomId && { initialValue: roomId }) },
        },
        {
            type: 'input',
            blockId: FORM.url,
            label: plain('Another URL (optional): sent without the secret token and unsigned'),
            optional: true,
            element: { type: 'plain_text_input', appId, blockId: FORM.url, actionId: FORM.url, placeholder: plain('https://…') },
        },
    ];
    return {
        id: SEND_VIEW_ID,
        type: UIKitSurfaceType.MODAL,
        title: plain('Send a test'),
        blocks,
        submit: { type: 'button' as const, appId, blockId: 'send-form', actionId: 'submit', text: plain('Send') },
        close: { type: 'button' as const, appId, blockId: 'send-form', actionId: 'close', text: plain('Cancel') },
    };
}

function panelSurface(blocks: Array<LayoutBlock>) {
    return { id: PANEL_VIEW_ID, type: UIKitSurfaceType.CONTEXTUAL_BAR, title: plain('Webhook'), blocks, clearOnClose: true };
}

function refreshButton(appId: string) {
    return { type: 'button' as const, appId, blockId: 'panel-actions', actionId: ACTIONS.refresh, text: plain('Refresh'), value: 'refresh' };
}

export function statusOf(item: HistoryItem): string {
    return item.status === undefined ? item.errorKind || '-' : String(item.status);
}

function watchLine(watch?: WatchAnswer): string {
    if (!watch || !watch.enabled) {
        return watch && watch.settingError ? `⚠️ ${watch.settingError}` : 'off';
    }
    const marks = { unknown: '❔', healthy: '✅', failing: '⛔' };
    const uptime = watch.uptime && watch.uptime.ratio !== null ? ` · uptime ${Math.round(watch.uptime.ratio * 1000) / 10} % (${watch.uptime.runs} runs)` : '';
    const paused = watch.paused ? `\n${pauseLine({ runId: watch.paused.runId, at: watch.paused.since })}` : '';
    return `${marks[watch.state || 'unknown']} ${watch.state}${watch.since ? ` since ${when(watch.since)}` : ''}${uptime}${paused}`;
}
