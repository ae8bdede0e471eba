// The health watch's state machine. Pure: a state and a run in, the next state and what to say out.
//   unknown  (no run yet, or the webhook URL changed)
//   healthy  (the last run was delivered)
//   failing  (failuresToAlert runs in a row were not)
// Entering `failing` posts one alert; leaving it for `healthy` posts one recovery; nothing else does.
import type { ErrorKind, Verdict } from '../delivery/report';

export type WatchStateName = 'unknown' | 'healthy' | 'failing';

/** A run as the store keeps it: with a digest of the URL it went to (a new URL starts the state over). */
export interface KeptRun extends RunSummary {
    urlKey: string;
}

/** What is kept of a run: no body, no headers. */
export interface RunSummary {
    id: string;
    sentAt: string;
    status?: number;
    verdict: Verdict;
    errorKind?: ErrorKind;
    durationMs?: number;
}

export interface WatchState {
    v: 1;
    state: WatchStateName;
    /** When the current state began (for `failing`: the first failed run of the streak). */
    since?: string;
    consecutiveFailures: number;
    /** The first failed run of the current streak. */
    firstFailureAt?: string;
    /** A digest of the URL the runs went to (never the URL: its query may hold a key). */
    urlKey?: string;
    /** Newest first, at most KEPT_RUNS. */
    runs: Array<RunSummary>;
}

export const KEPT_RUNS = 288;

export const INITIAL_STATE: WatchState = { v: 1, state: 'unknown', consecutiveFailures: 0, runs: [] };

export type WatchChange =
    | { kind: 'failing'; since: string; failedRuns: number }
    /** `riskFrom` … `riskTo`: from the last delivered run before the failures to the recovery: what real deliveries may have lost. */
    | { kind: 'recovered'; afterMs: number; failedRuns: number; failingSince: string; riskFrom?: string; riskTo?: string };

export interface Transition {
    next: WatchState;
    /** The state's name changed: the run goes into the delivery history too. */
    changed: boolean;
    /** What to post in the alert room, if anything. */
    change?: WatchChange;
    /** The URL changed, so the state started over. */
    reset: boolean;
}

export function transition(previous: WatchState, run: RunSummary, options: { failuresToAlert: number; urlKey: string }): Transition {
    const reset = previous.urlKey !== undefined && previous.urlKey !== options.urlKey;
    const start = reset ? { ...INITIAL_STATE, since: run.sentAt } : previous;
    const runs = [run, ...start.runs].slice(0, KEPT_RUNS);
    const base = { ...start, urlKey: options.urlKey, runs };
    let next: WatchState;
    let change: WatchChange | undefined;
    if (run.verdict === 'delivered') {
        next = { ...base, state: 'healthy', consecutiveFailures: 0, firstFailureAt: undefined, since: start.state === 'healthy' ? start.since : run.sentAt };
        if (start.state === 'failing') {
            const failingSince = start.firstFailureAt || start.since || run.sentAt;
            change = { kind: 'recovered', afterMs: Date.parse(run.sentAt) - Date.parse(failingSince), failedRuns: start.consecutiveFailures, failingSince };
        }
    } else {
        const consecutiveFailures = start.consecutiveFailures + 1;
        const firstFailureAt = start.firstFailureAt || run.sentAt;
        if (start.state !== 'failing' && consecutiveFailures >= options.failuresToAlert) {
            next = { ...base, state: 'failing', consecutiveFailures, firstFailureAt, since: firstFailureAt };
            change = { kind: 'failing', since: firstFailureAt, failedRuns: consecutiveFailures };
        } else {
            next = { ...base, consecutiveFailures, firstFailureAt };
        }
    }
    if (next.firstFailureAt === undefined) {
        delete next.firstFailureAt;
    }
    return { next, changed: next.state !== start.state || (reset && previous.state !== 'unknown'), change, reset };
}

/** Runs, delivered runs and their ratio over the kept runs. */
export function uptimeOf(state: WatchState): { runs: number; delivered: number; ratio: number | null } {
    const delivered = state.runs.filter((run) => run.verdict === 'delivered').length;
    return { runs: state.runs.length, delivered, ratio: state.runs.length ? Math.round((delivered / state.runs.length) * 10000) / 10000 : null };
}

/** What the runs kept, replayed oldest first, come to. */
export interface Replay {
    state: WatchState;
    /** The runs that changed the state's name (they go into the delivery history). */
    changed: Set<string>;
    /** While failing: the episode's key, the same for every instance that sees the runs before it. */
    episode?: string;
    /** The newest recovery, if any: the episode it ended and its facts. */
    recovery?: Extract<WatchChange, { kind: 'recovered' }> & { runId: string; episode: string };
}

/**
 * The state is not stored: it is replayed from the runs (each its own record), so two instances
 * running at once both count, and neither overwrites the other. `runs`: any order.
 */
export function replay(runs: Array<KeptRun>, failuresToAlert: number): Replay {
    const ordered = [...runs].sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.id.localeCompare(b.id));
    let state: WatchState = { ...INITIAL_STATE, runs: [] };
    const changed = new Set<string>();
    let recovery: Replay['recovery'];
    // An episode is named by the URL and the last delivered run before it: two instances that fail at
    // once, each seeing its own run first, still name it alike (its first failure's time would differ).
    let lastDelivered = 'start';
    let lastDeliveredAt: string | undefined;
    let episode: string | undefined;
    for (const run of ordered) {
        const { urlKey, ...summary } = run;
        const step = transition(state, summary, { failuresToAlert, urlKey });
        if (step.reset) {
            lastDelivered = 'start';
            lastDeliveredAt = undefined;
        }
        state = step.next;
        if (step.changed) {
            changed.add(run.id);
        }
        if (step.change && step.change.kind === 'recovered') {
            const risk = { riskFrom: lastDeliveredAt || step.change.failingSince, riskTo: run.sentAt };
            recovery = { ...step.change, ...risk, runId: run.id, episode: episode || `${urlKey}:${lastDelivered}` };
        }
        episode = state.state === 'failing' ? `${urlKey}:${lastDelivered}` : undefined;
        if (run.verdict === 'delivered') {
            lastDelivered = run.id;
            lastDeliveredAt = run.sentAt;
        }
    }
    return { state, changed, ...(episode && { episode }), ...(recovery && { recovery }) };
}
