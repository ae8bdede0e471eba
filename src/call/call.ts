// One call into the app: who makes it, with which credentials, the accessors the engine handed it and
// the call's own log. Every entry point builds one and hands it down; nothing long-lived keeps one.
import { IHttp, IModify, IPersistence, IRead } from '@rocket.chat/apps-engine/definition/accessors';
import { IUser } from '@rocket.chat/apps-engine/definition/users';

import type { CallerCredentials } from '../permissions/lookup';
import type { RoomViewer } from '../permissions/roomAccess';
import type { AppSettings } from '../settings/settings';
import { CallLog, EngineHandle, Log } from './log';

export type { CallerCredentials, EngineHandle, Log };

/** The accessors of one call. */
export interface Accessors {
    read: IRead;
    http: IHttp;
    persis: IPersistence;
}

export interface Call extends Accessors {
    /** Absent for the engine's own calls (the scheduler, events) and for a request without a user. */
    user?: IUser;
    /** An API request's X-User-Id/X-Auth-Token; slash commands and UI interactions carry none. */
    credentials?: CallerCredentials;
    /** Absent for API requests (the app posts nothing from them). */
    modify?: IModify;
    log: Log;
}

/** A call the gate let through: who it is, the app's settings as read for it, and whose conversations they may see. */
export interface AllowedCall extends Call {
    user: IUser;
    settings: AppSettings;
    viewer: RoomViewer;
}

/**
 * Builds the call, runs `work` with it, and hands the call's log lines to the engine as it answers.
 * `handle`: the app as the engine handed it to this call (see log.ts).
 */
export async function withCall<P extends Omit<Call, 'log'>, T>(handle: EngineHandle, parts: P, work: (call: P & { log: Log }) => Promise<T>): Promise<T> {
    const log = new CallLog(handle);
    try {
        return await work({ ...parts, log });
    } finally {
        log.end();
    }
}

/**
 * The app as the engine handed it to a function it called with `this`: 1.62 binds processors and
 * UIKit/event handlers to a proxy of the app made for the call; older engines bind something else.
 */
export function engineHandle(self: unknown, app: EngineHandle): EngineHandle {
    return self && typeof (self as EngineHandle).getLogger === 'function' ? (self as EngineHandle) : app;
}
