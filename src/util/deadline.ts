export const DEADLINE_PASSED = Symbol('deadline passed');

/** Grace over a timeout handed to the host before the app stops waiting for a host that ignores it. */
export const DEADLINE_GRACE_MS = 25;

/**
 * Settles with the promise, or with DEADLINE_PASSED after `ms`: the app answers on time even when
 * a host's IHttp ignores the timeout it was given.
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof DEADLINE_PASSED> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<typeof DEADLINE_PASSED>((resolve) => {
        timer = setTimeout(() => resolve(DEADLINE_PASSED), ms);
    });
    try {
        const settled = await Promise.race([promise, deadline]);
        if (settled === DEADLINE_PASSED) {
            promise.catch(() => undefined);
        }
        return settled;
    } finally {
        clearTimeout(timer);
    }
}
