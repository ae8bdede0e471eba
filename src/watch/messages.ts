// How the health watch speaks in a room: the alert when the webhook starts failing, the recovery,
// and the status the slash command shows. UIKit block messages with a plain-text fallback. Pure.
import type { LayoutBlock } from '@rocket.chat/ui-kit';

import { DeliveryReport } from '../delivery/report';
import { urlHost } from '../network/url';
import { code } from '../util/markdown';
import { errorKindLabel, verdictLabel } from '../delivery/labels';
import { Lang, list, Message as Sentence, plural, render, t, Text } from '../i18n/text';
import { Counts, happened, LIFECYCLE } from '../traffic/counts';
import { uptimeOf, WatchChange, WatchState } from './state';
import type { Pause } from './WatchStore';
import type { Readiness } from '../readiness/judge';

/** Who the history names for a scheduled run (REST shows it as it is; the panel and replies name the watch in the reader's language). */
export const WATCH_ACTOR = 'watch';

/** A run the scheduler started, not a person's Test now (a user named "watch" included); records before 0.3.0 tell it by their `by`. */
export function byScheduledWatch(item: { by: string; source: { kind: string; scheduled?: boolean } }): boolean {
    return item.source.kind === 'watch' && (item.source.scheduled ?? item.by === WATCH_ACTOR);
}

export const WATCH_NOW_ACTION_ID = 'livechat-webhook-test.watch-now';

export interface Message {
    text: string;
    blocks: Array<LayoutBlock>;
}

/** A watch state's name in a sentence ("healthy"); STATE_TITLES are the headings. */
const STATE_NAMES = { unknown: t('panel.watchUnknown'), healthy: t('panel.watchHealthy'), failing: t('panel.watchFailing') };

export function watchStateLabel(state: WatchState['state']): Sentence {
    return STATE_NAMES[state];
}

const STATE_TITLES = { unknown: t('watch.stateUnknown'), healthy: t('watch.stateHealthy'), failing: t('watch.stateFailing') };

/** The recovery's "Send them again" button: a backfill of the window it names (`from|to`). */
export const BACKFILL_ACTION_ID = 'livechat-webhook-test.backfill';

/** `atRisk`: on a recovery, the real deliveries Rocket.Chat made while the receiver failed. */
export function changeMessage(change: WatchChange, delivery: DeliveryReport, appId: string, lang: Lang, atRisk?: Counts): Message {
    const r = (text: Text) => render(text, lang);
    const host = delivery.url ? code(urlHost(delivery.url) || delivery.url) : r(t('common.noUrl'));
    const status = delivery.status === undefined ? (delivery.errorKind ? r(errorKindLabel(delivery.errorKind)) : '-') : String(delivery.status);
    const verdict = r(verdictLabel(delivery.verdict));
    if (change.kind === 'failing') {
        const title = r(t('watch.failingTitle', { host }));
        const facts = [
            r(t('watch.failingSince', { when: when(change.since) })),
            r(plural('watch.failedRuns', change.failedRuns)),
            r(t('watch.lastVerdict', { verdict, status })),
        ];
        return {
            text: [title, facts.join(' · '), r(delivery.hint)].join('\n'),
            blocks: [
                // Rocket.Chat's markdown shows a code span inside bold as written: the host stays outside it.
                section(`*${r(t('watch.failingHeading'))}* ${host}`),
                {
                    type: 'section',
                    fields: [
                        field(r(t('watch.fieldFailingSince')), when(change.since)),
                        field(r(t('watch.fieldFailedRuns')), String(change.failedRuns)),
                        field(r(t('watch.fieldLastVerdict')), verdict),
                        field(r(t('common.status')), status),
                    ],
                },
                { type: 'context', elements: [{ type: 'mrkdwn', text: r(delivery.hint) }] },
                testNow(appId, lang),
            ],
        };
    }
    const title = r(t('watch.recoveredTitle', { host }));
    const line = r(plural('watch.recoveredAfter', change.failedRuns, { after: duration(change.afterMs), since: when(change.failingSince) }));
    const risk = atRisk && change.riskFrom && change.riskTo ? riskLines(atRisk, change.riskFrom, change.riskTo, appId, lang) : undefined;
    return {
        text: [title, line, ...(risk ? [risk.text] : [])].join('\n'),
        blocks: [section(`*${r(t('watch.recoveredHeading'))}* ${host}`), section(line), ...(risk ? risk.blocks : [])],
    };
}

/** What the outage may have lost, and the button that sends it again (after a confirmation). */
function riskLines(counts: Counts, from: string, to: string, appId: string, lang: Lang): { text: string; blocks: Array<LayoutBlock> } {
    const r = (text: Text) => render(text, lang);
    const kinds = LIFECYCLE.filter((event) => counts[event] && counts[event]!.sent > 0);
    const total = kinds.reduce((sum, event) => sum + counts[event]!.sent, 0);
    if (total === 0) {
        const none = r(t('watch.nothingAtRisk'));
        return { text: none, blocks: [section(none)] };
    }
    const text = r(plural('watch.atRisk', total, { what: list(kinds.map((event) => happened(event, counts[event]!.sent))) }));
    const button = {
        type: 'button' as const,
        appId,
        blockId: 'watch-backfill',
        actionId: BACKFILL_ACTION_ID,
        text: { type: 'plain_text' as const, text: r(t('watch.sendAgain')) },
        value: `${from}|${to}`,
        style: 'primary' as const,
        confirm: {
            title: { type: 'plain_text' as const, text: r(t('watch.sendAgainTitle')) },
            text: { type: 'plain_text' as const, text: r(plural('watch.sendAgainConfirm', total)) },
            confirm: { type: 'plain_text' as const, text: r(t('watch.sendAgain')) },
            deny: { type: 'plain_text' as const, text: r(t('common.cancel')) },
            style: 'primary' as const,
        },
    };
    return { text, blocks: [section(text), { type: 'actions', appId, blockId: 'watch-backfill', elements: [button] }] };
}

/** The one message when a run never finished and the schedule stops. */
export function pausedMessage(pause: Pause, appId: string, lang: Lang): Message {
    const title = render(t('watch.pausedTitle'), lang);
    const line = render(t('watch.pausedLine', { run: pause.runId, started: when(new Date(pause.startedAt).toISOString()) }), lang);
    return { text: `${title}\n${line}`, blocks: [section(`*${title}*`), section(line), testNow(appId, lang)] };
}

/** Real deliveries stopped, or resumed, because of the workspace's own settings. */
export function workspaceMessage(readiness: Readiness, appId: string, lang: Lang): Message {
    const why = readiness.findings.find((finding) => finding.severity === 'error');
    const title = render(t(readiness.sends ? 'watch.sendsAgainTitle' : 'watch.stoppedTitle'), lang);
    const line = render(
        readiness.sends
            ? t('watch.sendsAgainLine', {
                  events: readiness.events
                      .filter((item) => item.sent === true)
                      .map((item) => item.event)
                      .join(', '),
              })
            : t('watch.stoppedLine', { why: why ? why.hint : t('watch.noEventGoesOut') }),
        lang,
    );
    return { text: `${title}\n${line}`, blocks: [section(`*${title}*`), section(line), testNow(appId, lang)] };
}

export interface WatchView {
    enabled: boolean;
    /** Scheduled runs are paused since a run never finished. */
    paused?: Pause;
    intervalMinutes: number;
    event: string;
    state: WatchState;
    settingError?: Text;
}

export function statusMessage(view: WatchView, appId: string, lang: Lang): Message {
    const r = (text: Text) => render(text, lang);
    const { state } = view;
    const uptime = uptimeOf(state);
    const last = state.runs[0];
    const headline = r(
        view.enabled
            ? t(state.since ? 'watch.headlineSince' : 'watch.headline', { state: STATE_TITLES[state.state], since: state.since && when(state.since) })
            : t('watch.headlineOff'),
    );
    const uptimeText = r(
        uptime.ratio === null
            ? t('watch.noRunsYet')
            : t('watch.uptime', { delivered: uptime.delivered, runs: uptime.runs, percent: Math.round(uptime.ratio * 1000) / 10 }),
    );
    const lastText = last
        ? `${when(last.sentAt)}: ${r(verdictLabel(last.verdict))}${last.status === undefined ? '' : ` ${last.status}`}${last.durationMs === undefined ? '' : `, ${last.durationMs} ms`}`
        : r(t('watch.none'));
    const every = view.enabled ? r(t('watch.every', { minutes: view.intervalMinutes, event: view.event })) : '-';
    const lines = [
        headline,
        `${r(t('watch.fieldSchedule'))}: ${every}`,
        `${r(t('watch.fieldUptime'))}: ${uptimeText}`,
        `${r(t('watch.fieldLastRun'))}: ${lastText}`,
    ];
    const settingError = view.settingError ? `⚠️ ${r(view.settingError)}` : undefined;
    if (settingError) {
        lines.push(settingError);
    }
    const pausedText = view.paused ? r(pauseLine(view.paused)) : undefined;
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
                    field(r(t('watch.fieldSchedule')), every),
                    field(r(t('watch.fieldUptime')), uptimeText),
                    field(r(t('watch.fieldLastRun')), lastText),
                    field(r(t('watch.fieldFailuresInARow')), String(state.consecutiveFailures)),
                ],
            },
            ...(settingError ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: settingError }] }] : []),
            ...(pausedText ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: pausedText }] }] : []),
            testNow(appId, lang),
        ],
    };
}

/** The line every surface shows while the schedule is paused. */
export function pauseLine(pause: { runId: string; at: string }): Text {
    return t('watch.pauseLine', { since: when(pause.at), run: pause.runId });
}

function section(text: string): LayoutBlock {
    return { type: 'section', text: { type: 'mrkdwn', text } };
}

function field(label: string, value: string) {
    return { type: 'mrkdwn' as const, text: `*${label}*\n${value}` };
}

function testNow(appId: string, lang: Lang): LayoutBlock {
    return {
        type: 'actions',
        appId,
        blockId: 'watch',
        elements: [
            {
                type: 'button',
                appId,
                blockId: 'watch',
                actionId: WATCH_NOW_ACTION_ID,
                text: { type: 'plain_text', text: render(t('watch.testNow'), lang) },
                value: 'watch',
            },
        ],
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
