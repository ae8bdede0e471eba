// The watch's recurring job, through the engine's scheduler (Rocket.Chat runs it on Agenda over
// MongoDB: one run per tick for the whole cluster, whichever instance takes it).
import { IHttp, IModify, IPersistence, IRead, ISchedulerModify } from '@rocket.chat/apps-engine/definition/accessors';
import { IJobContext, IProcessor } from '@rocket.chat/apps-engine/definition/scheduler';

import { Watch } from './Watch';

/**
 * The processor's id; the engine makes it `webhook-watch_<app id>`. Not 12 characters long:
 * Rocket.Chat's cancelJob would take a 12-character id for a MongoDB ObjectId.
 */
export const WATCH_JOB_ID = 'webhook-watch';

export function watchProcessor(watch: Watch): IProcessor {
    return {
        id: WATCH_JOB_ID,
        processor: async (_job: IJobContext, read: IRead, modify: IModify, http: IHttp, persis: IPersistence) =>
            watch.scheduled({ read, modify, http, persis }),
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
