// The receiver check as the entry points ask for it: the caller allowed, the request checked, its
// cost against the rate limit, one check per user at a time, the workspace's readiness first, and
// the outcome in the history. Above the runner: it uses the runner's gates, never the reverse.
import { ReadinessService } from '../readiness/ReadinessService';
import { usableSettings } from '../runner/access';
import { Answer, failure } from '../runner/answers';
import type { Caller } from '../runner/caller';
import { parseCheckRequest } from '../runner/requests';
import { Budget } from '../runner/running';
import { Sender } from '../runner/send';
import type { WebhookTestRunner } from '../runner/WebhookTestRunner';
import { Log } from '../util/log';
import { randomHex } from '../util/random';
import { Finding, receiverErrors, StepResult } from './findings';
import { checkEntry, ReceiverCheck } from './ReceiverCheck';
import { plural, t } from '../i18n/text';

export interface CheckAnswer extends Answer {
    id?: string;
    /** No `error` finding. */
    ready?: boolean;
    steps?: Array<StepResult>;
    problems?: Array<Finding>;
    durationMs?: number;
    url?: string;
}

export class Checks {
    constructor(
        private readonly runner: WebhookTestRunner,
        private readonly readiness: ReadinessService,
        sender: Sender,
        private readonly logger: Log,
        private readonly receiverCheck: ReceiverCheck = new ReceiverCheck(sender),
    ) {}

    /**
     * `POST webhook.check`, slash `check`: every event, the receiver's security and speed, one step
     * after another. Each request of the check counts against tests_per_minute (at most the whole
     * minute's), and a user runs one check at a time.
     */
    public check(caller: Caller, body?: unknown, onPlanned?: (steps: number) => Promise<void>, budget: Budget<CheckAnswer> = {}): Promise<CheckAnswer> {
        return this.runner.guarded(async () => {
            const request = await this.runner.admit(caller, () => parseCheckRequest(body));
            if (!request.ok) {
                return request.answer;
            }
            const { allowed } = request;
            const usable = usableSettings(allowed.settings);
            if (!('timeoutMs' in usable)) {
                return usable;
            }
            const { url: requestedUrl, events } = request.value;
            const steps = await this.receiverCheck.stepCount(caller, { settings: allowed.settings, ready: usable, requestedUrl, events });
            // No await from here to the check's tracking: two checks at once cannot both pass.
            const mine = this.runner.runningOf(allowed.user.id, 'check');
            if (mine) {
                return failure(409, 'error-check-running', t('check.running', { id: mine.id, since: mine.startedAt }));
            }
            const ready = this.runner.readyToSend(allowed, steps);
            if (!('timeoutMs' in ready)) {
                return ready;
            }
            const by = allowed.user.username;
            const id = `chk_${randomHex(6)}`;
            const checking = this.readiness
                .of(caller, allowed)
                .then((readiness) => this.receiverCheck.run(caller, { settings: allowed.settings, ready, requestedUrl, events, by, onPlanned, id, readiness }))
                .then((result): CheckAnswer => {
                    if (result.steps.length > 0) {
                        this.runner.record(caller, checkEntry(result, by, result.steps[0].event));
                    }
                    const errors = receiverErrors(result.problems);
                    this.logger.info(
                        `Webhook check ${result.id} by ${by} (${allowed.user.id}): ${result.steps.length} steps, ${errors} errors, ${result.durationMs} ms`,
                    );
                    const reason = result.ready
                        ? t('check.readyReason', { steps: result.steps.length })
                        : plural('check.notReadyReason', errors, { steps: result.steps.length });
                    return { success: true, httpStatus: 200, reason, ...result };
                });
            return this.runner.bounded(allowed, { id, kind: 'check' }, checking, budget);
        });
    }
}
