// The watch as `GET webhook.watch` shows it. Pure.
import { Answer, TestOutcome } from '../gate/answers';
import { WatchConfigCheck } from './config';
import type { EventType } from '../payloads/eventTypes';
import { RunSummary, uptimeOf, WatchStateName } from './state';
import type { WatchStatus } from './run';
import { t, Text } from '../i18n/text';
import { watchStateLabel } from './messages';

export interface WatchAnswer extends Answer {
    enabled?: boolean;
    intervalMinutes?: number;
    event?: EventType;
    failuresToAlert?: number;
    state?: WatchStateName;
    since?: string;
    consecutiveFailures?: number;
    lastRun?: RunSummary;
    uptime?: { runs: number; delivered: number; ratio: number | null };
    /** The last 20 run summaries, newest first. */
    runs?: Array<RunSummary>;
    /** A watch setting that keeps it from running, named. */
    settingError?: Text;
    /** Scheduled runs stopped: a run never finished. */
    paused?: { runId: string; since: string };
}

/** A run asked for by a user ("Test now", `watch now`): the test's outcome and what it did to the state. */
export interface WatchRunOutcome extends TestOutcome {
    watch?: { state: WatchStateName; change?: 'failing' | 'recovered'; posted: boolean; resumed?: boolean };
}

export const SHOWN_RUNS = 20;

export function watchAnswer({ state, paused }: WatchStatus, config: WatchConfigCheck): WatchAnswer {
    const enabled = config.ok && config.config.intervalMinutes > 0;
    const facts = {
        state: state.state,
        ...(state.since && { since: state.since }),
        consecutiveFailures: state.consecutiveFailures,
        ...(state.runs[0] && { lastRun: state.runs[0] }),
        uptime: uptimeOf(state),
        runs: state.runs.slice(0, SHOWN_RUNS),
        ...(paused && { paused: { runId: paused.runId, since: paused.at } }),
    };
    if (!config.ok) {
        return {
            success: true,
            httpStatus: 200,
            reason: t('watch.cannotRun', { reason: config.reason }),
            enabled: false,
            settingError: config.reason,
            ...facts,
        };
    }
    const { intervalMinutes, event, failuresToAlert } = config.config;
    const reason = enabled
        ? paused
            ? t('watch.paused', { run: paused.runId })
            : t('watch.tests', { event, minutes: intervalMinutes, state: watchStateLabel(state.state) })
        : t('watch.off');
    return { success: true, httpStatus: 200, reason, enabled, intervalMinutes, event, failuresToAlert, ...facts };
}
