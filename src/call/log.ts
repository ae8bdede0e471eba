// The log of one call into the app. The engine stores a call's log lines when it answers that call,
// taking them from the logger it handed the call; how it hands that logger out differs:
// - Apps-Engine 1.62 keeps one logger per call and reaches app code through a proxy of the app made
//   for that call (the `this` of an App method or a processor, the `app` property of an endpoint or a
//   command): `handle.getLogger()` there is the call's own, also while other calls run.
// - Apps-Engine 1.58/1.59 keep ONE logger (replaced as each call starts) and store, when any call
//   answers, the lines of the logger set last: a line written early in a call that another call
//   overlapped would be stored with nobody.
// So a call's lines are kept here and written to `handle.getLogger()` when the call ends: on 1.62
// that is the call's own logger; on 1.58/1.59 it is the logger the answer takes its lines from, so
// nothing is lost (overlapping calls may then store each other's lines, and some twice).
import { ILogger } from '@rocket.chat/apps-engine/definition/accessors';

/** What the app logs through. */
export type Log = Pick<ILogger, 'debug' | 'info' | 'warn' | 'error'>;

type Level = 'debug' | 'info' | 'warn' | 'error';

/** The app as the engine handed it to one call (1.62: a proxy whose logger is the call's). */
export interface EngineHandle {
    getLogger(): ILogger;
}

/** At most this many lines wait for the call's end (a runaway loop must not fill the memory). */
const MAX_KEPT_LINES = 200;

export class CallLog implements Log {
    private kept: Array<{ level: Level; items: Array<unknown> }> | undefined = [];
    private dropped = 0;

    constructor(private readonly handle: EngineHandle) {}

    public debug(...items: Array<unknown>): void {
        this.add('debug', items);
    }

    public info(...items: Array<unknown>): void {
        this.add('info', items);
    }

    public warn(...items: Array<unknown>): void {
        this.add('warn', items);
    }

    public error(...items: Array<unknown>): void {
        this.add('error', items);
    }

    /**
     * The call is answering: its lines go to the engine's logger for it. A line written later (work
     * that outlasted its answer) goes there at once, where the engine may no longer read it: such
     * work records its outcome in the history.
     */
    public end(): void {
        const kept = this.kept;
        this.kept = undefined;
        if (!kept) {
            return;
        }
        const logger = this.handle.getLogger();
        for (const line of kept) {
            logger[line.level](...line.items);
        }
        if (this.dropped > 0) {
            logger.warn(`${this.dropped} more log lines of this call were left out.`);
        }
    }

    private add(level: Level, items: Array<unknown>): void {
        if (!this.kept) {
            this.handle.getLogger()[level](...items);
        } else if (this.kept.length < MAX_KEPT_LINES) {
            this.kept.push({ level, items });
        } else {
            this.dropped++;
        }
    }
}
