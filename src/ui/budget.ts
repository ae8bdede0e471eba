// One answer budget per interaction: Rocket.Chat's client drops a view whose triggerId is more than
// 5 s old, so an interaction answers by then and work that takes longer goes on after it.

/** How long an interaction may take before the panel answers "still running". */
export const ANSWER_BUDGET_MS = 3000;

/** The work's result if it settles before the deadline; else undefined (the work goes on). */
export async function settledBy<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
    });
    try {
        return await Promise.race([work, late]);
    } finally {
        clearTimeout(timer);
    }
}
