// The app with shorter time limits, so that tests of what happens past a limit wait for little:
// the engine's limit, the panel's answer budget and the check's deadline come from the app's
// budgets() (src/gate/budget.ts). `npm run e2e` keeps the real ones.
import type { Budgets } from '../../src/gate/budget';
import { DEFAULT_BUDGETS } from '../../src/gate/budget';
import type { AppClass } from './localHost';

/** Budgets a tenth of the real ones or less (the check's deadline stays: the tests that reach it say so). */
export const SHORT_BUDGETS: Budgets = { engineMs: 2000, panelMs: 300, checkMs: DEFAULT_BUDGETS.checkMs };

export function withBudgets<T extends AppClass>(AppCtor: T, budgets: Partial<Budgets>): T {
    const chosen = { ...DEFAULT_BUDGETS, ...budgets };
    return class extends (AppCtor as AppClass) {
        protected budgets(): Budgets {
            return chosen;
        }
    } as unknown as T;
}
