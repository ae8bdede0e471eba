// What the entry points (endpoints, slash command, buttons, panel, scheduler) talk to: the runner
// and the capabilities above it, built once per app instance. The arrows run one way: entry points
// → capabilities (check, watch, readiness) → runner → delivery, history, settings, permissions.
import { IModify } from '@rocket.chat/apps-engine/definition/accessors';

import { Checks } from '../check/Checks';
import { DeliveryHistory } from '../history/DeliveryHistory';
import { PermissionGuard } from '../permissions/PermissionGuard';
import { ReadinessService } from '../readiness/ReadinessService';
import { Access } from '../runner/access';
import { Answer, HistoryAnswer, TestOutcome } from '../runner/answers';
import type { CheckAnswer } from '../check/Checks';
import type { ReadinessAnswer } from '../readiness/ReadinessService';
import type { WatchAnswer, WatchRunOutcome } from '../watch/view';
import type { Caller } from '../runner/caller';
import { Budget } from '../runner/running';
import { Sender } from '../runner/send';
import { WebhookTestRunner } from '../runner/WebhookTestRunner';
import { SettingsCache } from '../settings/SettingsCache';
import { Log } from '../util/log';
import { Watch } from '../watch/Watch';
import { WatchService } from '../watch/WatchService';
import { t } from '../i18n/text';

export function createServices(log: Log, appId: string): Services {
    const history = new DeliveryHistory(log);
    const settings = new SettingsCache();
    const sender = new Sender(history, log);
    const runner = new WebhookTestRunner(new Access(new PermissionGuard(log), settings), history, sender, log);
    const readiness = new ReadinessService(runner);
    return new Services(runner, new Checks(runner, readiness, sender, log), new WatchService(runner, new Watch(settings, sender, log, appId)), readiness);
}

export interface Overview extends Answer {
    history?: HistoryAnswer;
    watch?: WatchAnswer;
    target?: { url: string; source: string };
    readiness?: ReadinessAnswer;
}

export class Services {
    constructor(
        public readonly runner: WebhookTestRunner,
        public readonly checks: Checks,
        public readonly watches: WatchService,
        public readonly readinesses: ReadinessService,
    ) {}

    /** The health watch itself, for the scheduler. */
    public get watch(): Watch {
        return this.watches.watch;
    }

    public settingsChanged(): void {
        this.runner.settingsChanged();
    }

    public run(caller: Caller, body?: unknown, budget?: Budget<TestOutcome>): Promise<TestOutcome> {
        return this.runner.run(caller, body, budget);
    }

    public redeliver(caller: Caller, body: unknown, budget?: Budget<TestOutcome>): Promise<TestOutcome> {
        return this.runner.redeliver(caller, body, budget);
    }

    public deliveries(caller: Caller, query?: unknown): Promise<HistoryAnswer> {
        return this.runner.deliveries(caller, query);
    }

    public events(caller: Caller, query?: unknown) {
        return this.runner.events(caller, query);
    }

    public allows(caller: Caller): Promise<Answer> {
        return this.runner.allows(caller);
    }

    public target(caller: Caller) {
        return this.runner.target(caller);
    }

    public check(caller: Caller, body?: unknown, onPlanned?: (steps: number) => Promise<void>, budget?: Budget<CheckAnswer>): Promise<CheckAnswer> {
        return this.checks.check(caller, body, onPlanned, budget);
    }

    public watchStatus(caller: Caller, query?: unknown): Promise<WatchAnswer> {
        return this.watches.status(caller, query);
    }

    public watchNow(caller: Caller & { modify?: IModify }, budget?: Budget<WatchRunOutcome>): Promise<WatchRunOutcome> {
        return this.watches.runNow(caller, budget);
    }

    public readiness(caller: Caller, query?: unknown): Promise<ReadinessAnswer> {
        return this.readinesses.answer(caller, query);
    }

    /** What the panel shows, authorized once: the last deliveries, the watch, the target and the workspace's readiness. */
    public overview(caller: Caller, historyQuery: unknown): Promise<Overview> {
        return this.runner.guarded(async () => {
            const allowed = await this.runner.authorize(caller);
            if (!allowed.ok) {
                return allowed.answer;
            }
            const pinned = this.runner.pin(caller, allowed);
            const [history, watch, target, readiness] = await Promise.all([
                this.deliveries(pinned, historyQuery),
                this.watchStatus(pinned),
                this.target(pinned),
                this.readiness(pinned),
            ]);
            return { success: true, httpStatus: 200, reason: t('answer.panel'), history, watch, ...(target && { target }), readiness };
        });
    }
}
