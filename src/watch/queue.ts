// The watch's runs on this instance, one after another: a scheduled run and a "Test now" never
// interleave. At most one waits: a scheduled tick while a run is going is skipped, and a "Test now"
// while one waits joins it, so a slow receiver and many clicks cannot pile runs up.

export class WatchQueue {
    private queue: Promise<unknown> = Promise.resolve();
    /** A run is going (or queued) on this instance. */
    private running = false;
    /** The run queued behind it, which a "Test now" joins. */
    private waiting?: Promise<unknown>;

    /** `run` after any other; `skipped` instead when `scheduled` and a run is going. */
    public enqueue<T>(scheduled: boolean, run: () => Promise<T>, skipped: () => T): Promise<T> {
        if (this.running && scheduled) {
            return Promise.resolve(skipped());
        }
        if (this.waiting) {
            return this.waiting as Promise<T>;
        }
        const started = this.running;
        const next = this.queue.then(() => {
            if (started) {
                this.waiting = undefined;
            }
            return run();
        });
        if (started) {
            this.waiting = next;
        }
        this.running = true;
        const settled = next.catch(() => undefined);
        this.queue = settled;
        settled.then(() => {
            if (this.queue === settled) {
                this.running = false;
            }
        });
        return next;
    }
}
