// Tests per user per minute, over a sliding window, in this app instance's memory (a cluster of
// Rocket.Chat instances gives each instance its own window).
const WINDOW_MS = 60 * 1000;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
    private readonly recent = new Map<string, Array<number>>();

    constructor(private readonly now: () => number = () => Date.now()) {}

    /**
     * Counts the attempt when allowed; a refused attempt is not counted. `limit` 0 means no limit.
     * `cost`: how many requests the attempt makes (a receiver check's steps), at most `limit`.
     */
    public take(userId: string, limit: number, cost = 1): RateDecision {
        if (limit <= 0) {
            return { allowed: true };
        }
        const units = Math.max(1, Math.min(cost, limit));
        const now = this.now();
        const times = (this.recent.get(userId) || []).filter((time) => now - time < WINDOW_MS);
        if (times.length + units > limit) {
            this.recent.set(userId, times);
            // Enough of the oldest must have left the window for `units` more to fit.
            const freeing = times[times.length + units - limit - 1];
            return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeing + WINDOW_MS - now) / 1000)) };
        }
        times.push(...Array(units).fill(now));
        this.recent.set(userId, times);
        this.forgetIdle(now);
        return { allowed: true };
    }

    /** Keeps the map from growing with every user who ever ran a test. */
    private forgetIdle(now: number): void {
        if (this.recent.size < 1000) {
            return;
        }
        for (const [userId, times] of this.recent) {
            if (times.every((time) => now - time >= WINDOW_MS)) {
                this.recent.delete(userId);
            }
        }
    }
}
