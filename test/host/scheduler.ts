// The host's scheduler as Rocket.Chat runs it (AppSchedulerBridge over Agenda): processors defined
// by id, one recurring job per name (Agenda's `every` replaces a job of the same name), jobs
// cancelled by name, the job's data handed to the processor with its `jobId`. The engine renames
// every id `<id>_<app id>`. Jobs fire only when the test (or the demo) says so, as Agenda's tick would.
import { IOnetimeSchedule, IRecurringSchedule } from '@rocket.chat/apps-engine/definition/scheduler';

export interface ScheduledJob {
    name: string;
    kind: 'recurring' | 'once';
    interval?: string | number;
    when?: string | Date;
    skipImmediate?: boolean;
    data: object;
}

// The app's processor: (jobContext, read, modify, http, persis).
type Processor = (...args: Array<any>) => Promise<void>;

export class LocalScheduler {
    public readonly processors = new Map<string, Processor>();
    public readonly jobs = new Map<string, ScheduledJob>();
    /** Every call the app made, in order, for tests of idempotency. */
    public readonly calls: Array<string> = [];
    private nextJobId = 1;

    constructor(private readonly appId: string) {}

    public name(id: string): string {
        return `${id}_${this.appId}`;
    }

    public registerProcessors(processors: Array<{ id: string; processor: Processor }>): void {
        for (const { id, processor } of processors) {
            if (id.includes(':')) {
                throw new Error(`Invalid processor id "${id}"`);
            }
            this.processors.set(this.name(id), processor);
        }
    }

    public async scheduleRecurring(job: IRecurringSchedule): Promise<string> {
        this.calls.push(`scheduleRecurring ${job.id} ${job.interval}`);
        const name = this.name(job.id);
        this.jobs.set(name, { name, kind: 'recurring', interval: job.interval, skipImmediate: job.skipImmediate, data: { ...job.data } });
        return `job-${this.nextJobId++}`;
    }

    public async scheduleOnce(job: IOnetimeSchedule): Promise<string> {
        this.calls.push(`scheduleOnce ${job.id}`);
        const name = this.name(job.id);
        this.jobs.set(name, { name, kind: 'once', when: job.when, data: { ...job.data } });
        return `job-${this.nextJobId++}`;
    }

    public async cancelJob(id: string): Promise<void> {
        this.calls.push(`cancelJob ${id}`);
        this.jobs.delete(this.name(id));
    }

    public async cancelAllJobs(): Promise<void> {
        this.calls.push('cancelAllJobs');
        this.jobs.clear();
    }

    /** The scheduler accessor the app gets (IConfigurationModify.scheduler, IModify.getScheduler()). */
    public modify() {
        return {
            scheduleRecurring: (job: IRecurringSchedule) => this.scheduleRecurring(job),
            scheduleOnce: (job: IOnetimeSchedule) => this.scheduleOnce(job),
            cancelJob: (id: string) => this.cancelJob(id),
            cancelAllJobs: () => this.cancelAllJobs(),
        };
    }
}
