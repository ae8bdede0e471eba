import { ILogger } from '@rocket.chat/apps-engine/definition/accessors';

/** What the app's classes log through. */
export type Log = Pick<ILogger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The engine makes a new logger for every call into the app and stores that logger's lines when it
 * answers the call; a line written to any other logger is never stored. The runner and the other
 * services are built once, at initialisation, and shared by every call, so they must find the
 * call's logger at each line. How the engine hands it out differs:
 *
 * - Apps-Engine 1.58/1.59 set it on the app object at the start of every call (`app.logger = logger`
 *   in deno-runtime/main.ts) and, when any call answers, send the lines of the logger set last:
 *   `app.getLogger()` is the right one.
 * - Apps-Engine 1.62 keeps each call's logger in the call (`request.context.logger`) and reaches the
 *   app only through a Proxy made for that call (lib/wrapAppForRequest.ts): `this` of an App method
 *   is a proxy of the app whose `logger` is the call's, and an endpoint's or a command's `this` is a
 *   proxy whose property holding the app is such a proxy. The app object itself keeps the logger of
 *   the call that constructed it, and what initialisation captured keeps initialisation's: both are
 *   answered already, so lines written there are lost.
 *
 * So this also watches the runtime's own loggers (the Deno runtime's Logger class, found from the
 * app's first logger): a logger is live from its first line (the engine writes a debug line as every
 * call starts) until the engine reads its lines to answer (`getLogs`). While the app's own logger is
 * current (1.58/1.59: always), lines go there; once it has been answered and another call has
 * started since (1.62), they go to the newest call still running. Calls that interleave can then
 * write into each other's log: the line is stored with the other call. A line written when no call
 * is running (work that outlasted its answer) is lost on every version: such work records its
 * outcome in the history. Elsewhere (the local test host's logger has no `getLogs`) this is
 * `app.getLogger()` at each line.
 */
export function currentLogger(app: { getLogger(): ILogger }): Log {
    const calls = watchCallLoggers(app.getLogger());
    const logger = (): ILogger => {
        const own = app.getLogger();
        return (calls && calls.superseded(own) && calls.newestRunning()) || own;
    };
    return {
        debug: (...items: Array<unknown>) => logger().debug(...items),
        info: (...items: Array<unknown>) => logger().info(...items),
        warn: (...items: Array<unknown>) => logger().warn(...items),
        error: (...items: Array<unknown>) => logger().error(...items),
    };
}

const WRITERS = ['debug', 'info', 'log', 'warn', 'error', 'success'] as const;
/** At most this many loggers are kept as running (a call whose handler threw is never answered). */
const RUNNING_KEPT = 32;
const WATCH = Symbol.for('livechat-webhook-test.call-loggers');

class CallLoggers {
    private clock = 0;
    private lastStart = 0;
    private readonly started = new WeakMap<object, number>();
    private readonly answered = new WeakMap<object, number>();
    private readonly running: Array<ILogger> = [];

    /** A logger's first line: the call it belongs to has started. */
    public wrote(logger: ILogger): void {
        if (this.started.has(logger)) {
            return;
        }
        this.lastStart = ++this.clock;
        this.started.set(logger, this.lastStart);
        if (!this.answered.has(logger)) {
            this.running.push(logger);
            this.running.splice(0, Math.max(0, this.running.length - RUNNING_KEPT));
        }
    }

    /** The engine read the logger's lines to answer its call. */
    public read(logger: ILogger): void {
        this.answered.set(logger, ++this.clock);
        const at = this.running.indexOf(logger);
        if (at >= 0) {
            this.running.splice(at, 1);
        }
    }

    /** Answered, and another call started since: nothing written there is stored any more. */
    public superseded(logger: ILogger): boolean {
        const answeredAt = this.answered.get(logger);
        return answeredAt !== undefined && answeredAt < this.lastStart;
    }

    public newestRunning(): ILogger | undefined {
        return this.running[this.running.length - 1];
    }
}

type Writable = { [name: string]: unknown };

/** Starts watching the loggers of the sample's class, once per process; undefined when it is not the runtime's. */
function watchCallLoggers(sample: ILogger): CallLoggers | undefined {
    const proto = sample ? (Object.getPrototypeOf(sample) as Writable | null) : null;
    if (!proto || typeof proto.getLogs !== 'function' || typeof proto.hasEntries !== 'function') {
        return undefined;
    }
    const existing = (proto as { [WATCH]?: CallLoggers })[WATCH];
    if (existing) {
        return existing;
    }
    if (!Object.isExtensible(proto) || [...WRITERS, 'getLogs'].some((name) => !isWritable(proto, name))) {
        return undefined;
    }
    const calls = new CallLoggers();
    for (const name of WRITERS) {
        const write = proto[name];
        if (typeof write === 'function') {
            proto[name] = function (this: ILogger, ...items: Array<unknown>) {
                calls.wrote(this);
                return write.apply(this, items);
            };
        }
    }
    const getLogs = proto.getLogs as (...args: Array<unknown>) => unknown;
    proto.getLogs = function (this: ILogger, ...args: Array<unknown>) {
        calls.read(this);
        return getLogs.apply(this, args);
    };
    Object.defineProperty(proto, WATCH, { value: calls });
    return calls;
}

function isWritable(target: object, name: string): boolean {
    for (let at: object | null = target; at; at = Object.getPrototypeOf(at)) {
        const descriptor = Object.getOwnPropertyDescriptor(at, name);
        if (descriptor) {
            return at === target ? Boolean(descriptor.writable || descriptor.set) : Boolean(descriptor.writable);
        }
    }
    return true;
}
