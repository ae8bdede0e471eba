// The health watch as the entry points ask for it: its state (GET webhook.watch, slash `watch`, the
// panel) and a run by hand ("Test now", `watch now`), each for a caller the runner allows.
import { IModify } from '@rocket.chat/apps-engine/definition/accessors';

import { failure } from '../runner/answers';
import type { Caller } from '../runner/caller';
import { newDeliveryId } from '../runner/describe';
import { parseNoQuery } from '../runner/requests';
import { Budget } from '../runner/running';
import type { WebhookTestRunner } from '../runner/WebhookTestRunner';
import { watchAnswer, WatchAnswer, WatchRunOutcome } from './view';
import { Watch } from './Watch';

export class WatchService {
    constructor(
        private readonly runner: WebhookTestRunner,
        public readonly watch: Watch,
    ) {}

    /** `GET webhook.watch`, slash `watch`: the health watch's settings, state, uptime and last runs. */
    public status(caller: Caller, query?: unknown): Promise<WatchAnswer> {
        return this.runner.guarded(async () => {
            const parsed = await this.runner.admit(caller, () => parseNoQuery(query));
            if (!parsed.ok) {
                return parsed.answer;
            }
            const [status, config] = await Promise.all([this.watch.status(caller.read), this.watch.config(caller.read)]);
            return watchAnswer(status, config);
        });
    }

    /** "Test now", slash `watch now`: one watch run at once (the user's rate limit applies, as to any test they ask for). */
    public runNow(caller: Caller & { modify?: IModify }, budget: Budget<WatchRunOutcome> = {}): Promise<WatchRunOutcome> {
        return this.runner.guarded(async () => {
            const allowed = await this.runner.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const limited = this.runner.rateLimit(allowed);
            if (limited) {
                return limited;
            }
            const id = newDeliveryId();
            const running = this.watch.run(caller, { kind: 'manual', by: allowed.user.username, id }).then((run): WatchRunOutcome => {
                if (!run.ran) {
                    return failure(400, 'error-invalid-setting', run.reason);
                }
                const change = run.change ? run.change.kind : undefined;
                return {
                    ...run.delivered.outcome,
                    watch: { state: run.state.state, ...(change && { change }), posted: run.posted, ...(run.resumed && { resumed: true }) },
                };
            });
            return this.runner.bounded(allowed, { id, kind: 'watch' }, running, budget);
        });
    }
}
