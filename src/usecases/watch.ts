// The health watch as users ask for it: its state (`GET webhook.watch`, slash `watch`, the panel) and
// a run by hand ("Test now", slash `watch now`). The scheduler's own runs go through watch/run.ts.
import { failure } from '../gate/answers';
import { parseNoQuery } from '../gate/fields';
import type { UseCase } from '../gate/gate';
import { newDeliveryId } from '../delivery/describe';
import { parseWatchConfig } from '../watch/config';
import { runWatch, watchConfig, watchStatus } from '../watch/run';
import { watchAnswer, WatchAnswer, WatchRunOutcome } from '../watch/view';

export const WATCH_STATUS: UseCase<unknown, WatchAnswer> = {
    parse: parseNoQuery,
    async run(stores, call) {
        const [status, config] = await Promise.all([watchStatus(stores, call.read), watchConfig(stores, call.read)]);
        return watchAnswer(status, config);
    },
};

/** One watch run at once; the user's rate limit applies, as to any test they ask for. */
export const WATCH_NOW: UseCase<unknown, WatchRunOutcome> = {
    parse: () => ({ ok: true, value: {} }),
    // Unusable watch settings refuse the run before it counts against the rate limit.
    async prepare(_stores, call, input) {
        const config = parseWatchConfig(call.settings);
        return config.ok ? { cost: 1, input } : failure(400, 'error-invalid-setting', config.reason);
    },
    tracked: { kind: 'watch', newId: newDeliveryId },
    async run(stores, call, _input, id): Promise<WatchRunOutcome> {
        const run = await runWatch(stores, call, { kind: 'manual', by: call.user.username, id });
        if (!run.ran) {
            return failure(400, 'error-invalid-setting', run.reason);
        }
        const change = run.change ? run.change.kind : undefined;
        return {
            ...run.delivered.outcome,
            watch: { state: run.state.state, ...(change && { change }), posted: run.posted, ...(run.resumed && { resumed: true }) },
        };
    },
};
