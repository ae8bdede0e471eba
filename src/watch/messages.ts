// How the health watch speaks in a room: the alert when the webhook starts failing, the recovery,
// and the status the slash command shows. UIKit block messages with a plain-text fallback. Pure.
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { DeliveryReport, urlHost } from '../delivery/report';
import { code } from '../util/markdown';
import { uptimeOf, WatchChange, WatchState } from './state';
import type { Pause } from './WatchStore';
import type { Readiness } from '../readiness/judge';

export const WATCH_NOW_ACTION_ID = 'livechat-webhook-test.watch-now';

export interface Message {
    text: string;
    blocks: Array<LayoutBlock>;
}

const STATE_TITLES = { unknown: '❔ Unknown (no run yet)', healthy: '✅ Healthy', failing: '⛔ Failing' };

export function changeMessage(change: WatchChange, delivery: DeliveryReport, appId: string): Message {
    const host = delivery.url ? code(urlHost(delivery.url) || delivery.url) : '(no URL)';
    const status = delivery.status === undefined ? delivery.errorKind || '-' : String(delivery.status);
    if (change.kind === 'failing') {
        const title = `⛔ Webhook failing: ${host}`;
        // Rocket.Chat's markdown shows a code span inside bold as written: the host stays outside it.
        const facts = [`failing since ${when(change.since)}`, `${change.failedRuns} failed runs`, `last: ${delivery.verdict}, ${status}`];
        return {
            text: [title, facts.join(' · '), delivery.hint].join('\n'),
            blocks: [
                section(`*⛔ Webhook failing:* ${host}`),
                {
                    type: 'section',
                    fields: [
                        field('Failing since', when(change.since)),
                        field('Failed runs', String(change.failedRuns)),
                        field('Last verdict', delivery.verdict),
                        field('Status', status),
                    ],
                },
                { type: 'context', elements: [{ type: 'mrkdwn', text: delivery.hint }] },
                testNow(appId),
            ],
        };
    }
    const title = `✅ Webhook recovered: ${host}`;
    const line = `Recovered after ${duration(change.afterMs)} and ${change.failedRuns} failed run${change.failedRuns === 1 ? '' : 's'} (failing since ${when(change.failingSince)}).`;
    return { text: `${title}\n${line}`, blocks: [section(`*✅ Webhook recovered:* ${host}`), section(line)] };
}

/** The one message when a run never finished and the schedule stops. */
export function pausedMessage(pause: Pause, appId: string): Message {
    const title = '⏸️ Webhook watch paused';
    const line =
        `Run ${pause.runId}, started ${when(new Date(pause.startedAt).toISOString())}, never finished: the app stopped while it ran ` +
        "(a receiver's answer or a restart may have taken it down). Scheduled runs are paused so that it cannot happen on every tick; " +
        'Test now runs once and resumes the watch.';
    return { text: `${title}\n${line}`, blocks: [section(`*${title}*`), section(line), testNow(appId)] };
}

/** Real deliveries stopped, or resumed, because of the workspace's own settings. */
export function workspaceMessage(readiness: Readiness, appId: string): Message {
    const why = readiness.findings.find((finding) => finding.severity === 'error');
    const title = readiness.sends ? '✅ Rocket.Chat sends webhooks again' : "🛑 Rocket.Chat stopped sending webhooks: the workspace's settings";
    const line = readiness.sends
        ? `${readiness.events
              .filter((item) => item.sent === true)
              .map((item) => item.event)
              .join(', ')} go out again.`
        : `${why ? why.hint : 'No event goes out.'} The receiver may be fine: real events no longer reach it.`;
    return { text: `${title}\n${line}`, blocks: [section(`*${title}*`), section(line), testNow(appId)] };
}

export interface WatchView {
    enabled: boolean;
    /** Scheduled runs are paused since a run never finished. */
    paused?: Pause;
    intervalMinutes: number;
    event: string;
    state: WatchState;
    settingError?: string;
}

export function statusMessage(view: WatchView, appId: string): Message {
    const { state } = view;
    const uptime = uptimeOf(state);
    const last = state.runs[0];
    const headline = view.enabled
        ? `Health watch: ${STATE_TITLES[state.state]}${state.since ? ` since ${when(state.since)}` : ''}`
        : 'Health watch: off (watch_interval_minutes is 0)';
    const uptimeText =
        uptime.ratio === null ? 'no runs yet' : `${uptime.delivered} of ${uptime.runs} runs delivered (${Math.round(uptime.ratio * 1000) / 10} %)`;
    const lastText = last
        ? `${when(last.sentAt)}: ${last.verdict}${last.status === undefined ? '' : ` ${last.status}`}${last.durationMs === undefined ? '' : `, ${last.durationMs} ms`}`
        : 'none';
    const every = view.enabled ? `every ${view.intervalMinutes} min, ${view.event}` : '-';
    const lines = [headline, `Schedule: ${every}`, `Uptime: ${uptimeText}`, `Last run: ${lastText}`];
    if (view.settingError) {
        lines.push(`⚠️ ${view.settingError}`);
    }
    const pausedText = view.paused ? pauseLine(view.paused) : undefined;
    if (pausedText) {
        lines.push(pausedText);
    }
    return {
        text: lines.join('\n'),
        blocks: [
            section(`*${headline}*`),
            {
                type: 'section',
                fields: [
                    field('Schedule', every),
                    field('Uptime', uptimeText),
                    field('Last run', lastText),
                    field('Failures in a row', String(state.consecutiveFailures)),
                ],
            },
            ...(view.settingError ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: `⚠️ ${view.settingError}` }] }] : []),
            ...(pausedText ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: pausedText }] }] : []),
            testNow(appId),
        ],
    };
}

/** The line every surface shows while the schedule is paused. */
export function pauseLine(pause: { runId: string; at: string }): string {
    return `⏸️ Paused since ${when(pause.at)}: run ${pause.runId} never finished. Test now runs once and resumes the watch.`;
}

function section(text: string): LayoutBlock {
    return { type: 'section', text: { type: 'mrkdwn', text } };
}

function field(label: string, value: string) {
    return { type: 'mrkdwn' as const, text: `*${label}*\n${value}` };
}

function testNow(appId: string): LayoutBlock {
    return {
        type: 'actions',
        appId,
        blockId: 'watch',
        elements: [{ type: 'button', appId, blockId: 'watch', actionId: WATCH_NOW_ACTION_ID, text: { type: 'plain_text', text: 'Test now' }, value: 'watch' }],
    };
}

/** "2026-12-01 13:05:02Z" */
export function when(iso: string): string {
    return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** "40 s", "15 min", "2 h 5 min", "3 d 4 h" */
export function duration(ms: number): string {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 60) {
        return `${seconds} s`;
    }
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) {
        return `${minutes} min`;
    }
    const hours = Math.floor(minutes / 60);
    if (hours < 24) {
        return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
    }
    return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}
