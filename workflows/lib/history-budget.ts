/**
 * The refusal that keeps a case's history bounded (templates/schema.ts, HistoryBudget). It runs in
 * update validators, which see the history's length and size as of the current workflow task and do
 * not run on replay, so the bound can change without touching any saved history.
 */
import { workflowInfo } from '@temporalio/workflow';
import { HISTORY_BUDGET_DEFAULTS, type HistoryBudgetRules } from '../../common/history-budget.js';
import { conflict } from './refusals.js';

const MB = 2 ** 20;

export function assertHistoryRoom(budget: HistoryBudgetRules | undefined, what: string): void {
  const { events, megabytes } = budget ?? HISTORY_BUDGET_DEFAULTS;
  const { historyLength, historySize } = workflowInfo();
  if (historyLength < events && historySize < megabytes * MB) return;
  conflict(
    `${what} is refused: the history of this case is full (${historyLength} events, ${(historySize / MB).toFixed(1)} MB; ` +
      `its template allows ${events} events, ${megabytes} MB). It now takes only what ends it: decisions other than ` +
      'information requests, the supplement it waits for, withdrawal',
  );
}
