/**
 * The default bounds of a case's history (templates/schema.ts HistoryBudget says what they bound).
 * Defined here, outside the schema, because the workflow bundle applies them too and must not load zod.
 */
export const HISTORY_BUDGET_DEFAULTS = { events: 5_000, megabytes: 10 } as const;

export interface HistoryBudgetRules {
  events: number;
  megabytes: number;
}
