// Work that may outlast the engine's limit: the engine answers any call to the app with a 500 after
// 30 s, whatever the app is doing. A test, redelivery, check or watch run still going at the engine
// budget is answered 202 with its id; it goes on, and its outcome lands in the history (and, for a
// slash command or a button, in a private message when it ends).
import { settledBy } from '../util/settledBy';
import { Answer, Running, RunningKind } from './answers';
import { t } from '../i18n/text';

export type { Running, RunningKind };

/** The time limits the app works within; tests shorten them. */
export interface Budgets {
    /** Below the engine's 30 s: past it, an answer says "still running" (202). */
    engineMs: number;
    /** Rocket.Chat's client drops a surface whose triggerId is more than 5 s old: the panel answers by then. */
    panelMs: number;
    /** The whole receiver check's deadline; a step that cannot start in time is skipped. */
    checkMs: number;
}

export const DEFAULT_BUDGETS: Budgets = { engineMs: 25 * 1000, panelMs: 3000, checkMs: 60 * 1000 };

/** How an entry point wants long work handled: answered by `answerWithin` ms, and told when it ends. */
export interface Budget<T> {
    answerWithin?: number;
    onLate?: (late: T) => Promise<unknown> | void;
}

/** What this instance is running now (in memory: another instance's work is not seen here). */
export class InFlight {
    private readonly works = new Map<string, Running & { userId: string }>();

    public track<T>(work: Running & { userId: string }, promise: Promise<T>): Promise<T> {
        this.works.set(work.id, work);
        const forget = () => this.works.delete(work.id);
        promise.then(forget, forget);
        return promise;
    }

    public get(id: string): Running | undefined {
        const work = this.works.get(id);
        return work && publicOf(work);
    }

    public ofUser(userId: string, kind: RunningKind): Running | undefined {
        const work = [...this.works.values()].find((candidate) => candidate.userId === userId && candidate.kind === kind);
        return work && publicOf(work);
    }
}

/** The work's answer if it comes within the budget; else a 202 naming it, and `onLate` once it ends. */
export async function withinBudget<T extends Answer>(
    running: Running,
    work: Promise<T>,
    budget: Budget<T>,
    onError: (error: unknown) => void,
): Promise<T | Answer> {
    if (budget.answerWithin === undefined) {
        return work;
    }
    const answer = await settledBy(work, Date.now() + budget.answerWithin);
    if (answer) {
        return answer;
    }
    work.then((late) => budget.onLate && budget.onLate(late)).catch(onError);
    return stillRunning(running, budget.answerWithin);
}

export function stillRunning(running: Running, afterMs?: number): Answer {
    const key = { check: 'running.check', watch: 'running.watch', delivery: 'running.delivery', backfill: 'running.backfill' }[running.kind] as 'running.check';
    const when = afterMs === undefined ? t('running.since', { at: running.startedAt }) : t('running.after', { seconds: Math.round(afterMs / 1000) });
    return { success: true, httpStatus: 202, reason: t(key, { id: running.id, when }), running };
}

function publicOf(work: Running & { userId: string }): Running {
    const { userId: _userId, ...running } = work;
    return running;
}
