// Tests per user per minute, over a sliding window, in this app instance's memory (a cluster of
// Rocket.Chat instances gives each instance its own window).
const WINDOW_MS = 60 * 1000;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimiter {
    private readonly recent = new Map<string, Array<number>>();

    constructor(private readonly now: () => number = () => Date.now()) {}

    /** Counts the attempt when allowed; a refused attempt is not counted. `limit` 0 means no limit. */
    public take(userId: string, limit: number): RateDecision {
        if (limit <= 0) {
            return { allowed: true };
        }
        const now = this.now();
        const times = (this.recent.get(userId) || []).filter((time) => now - time < WINDOW_MS);
        if (times.length >= limit) {
            this.recent.set(userId, times);
            const oldest = times[times.length - limit];
            return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
        }
        times.push(now);
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
