import { ILogger } from '@rocket.chat/apps-engine/definition/accessors';

/** What the app's classes log through. */
export type Log = Pick<ILogger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * The engine gives the app a new logger for every call (and stores what it got after the call), so
 * a logger kept from initialisation writes into a log that is never stored. This one asks the app
 * for its current logger each time.
 */
export function currentLogger(app: { getLogger(): ILogger }): Log {
    return {
        debug: (...items: Array<unknown>) => app.getLogger().debug(...items),
        info: (...items: Array<unknown>) => app.getLogger().info(...items),
        warn: (...items: Array<unknown>) => app.getLogger().warn(...items),
        error: (...items: Array<unknown>) => app.getLogger().error(...items),
    };
}
