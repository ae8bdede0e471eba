// One answer budget per interaction: Rocket.Chat's client drops a view whose triggerId is more than
// 5 s old, so an interaction answers by then and work that takes longer goes on after it.
export { settledBy } from '../util/settledBy';

/** How long an interaction may take before the panel answers "still running". */
export const ANSWER_BUDGET_MS = 3000;
