// The watch's recurring job, through the engine's scheduler (Rocket.Chat runs it on Agenda over
// MongoDB: one run per tick for the whole cluster, whichever instance takes it).
import { IHttp, IModify, IPersistence, IRead, ISchedulerModify } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext, IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';

import { engineHandle, EngineHandle, withCall } from '../call/call';
import { passSystem } from '../gate/gate';
import type { Stores } from '../gate/stores';
import { scheduledRun } from './run';

/**
 * The processor's id; the engine makes it `webhook-watch_<app id>`. Not 12 characters long:
 * Rocket.Chat's cancelJob would take a 12-character id for a MongoDB ObjectId.
 */
export const WATCH_JOB_ID = 'webhook-watch';

/**
 * The job's processor: a function, not an arrow, so that `this` is what the engine binds it to
 * (1.62: a proxy of the app holding the call's logger); elsewhere the app's own logger serves.
 */
export function watchProcessor(app: EngineHandle, stores: Stores): IProcessor {
    return {
        id: WATCH_JOB_ID,
        processor: function (this: unknown, _job: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence): Promise<void> {
            return withCall(engineHandle(this, app), { read, http, persis, modify }, async (call) => {
                await passSystem(call, 'watch run', () => scheduledRun(stores, call));
            });
        },
    };
}

/**
 * Schedules the recurring job for `intervalMinutes` (0: cancels it). Idempotent: Agenda keeps one
 * job per name, so scheduling again (onEnable runs after every restart) replaces it.
 */
export async function applySchedule(scheduler: ISchedulerModify, intervalMinutes: number): Promise<void> {
    if (intervalMinutes > 0) {
        await scheduler.scheduleRecurring({ id: WATCH_JOB_ID, interval: `${intervalMinutes} minutes`, skipImmediate: true });
    } else {
        await scheduler.cancelJob(WATCH_JOB_ID);
    }
}
