/**
 * Process 2, produce first, certify later: an enterprise able to produce gets a provisional permit
 * on a pledge once its eligibility is approved, and files the missing certificates later, each
 * verified by its department by its due date (permit.ts holds the case's state and logic).
 */
import type { CaseInput } from '../../workflows/definitions.js';
import { runCase, type OpenedCase } from '../../workflows/lib/case-core.js';
import type { ProduceFirstDetails } from './details.js';
import { ProduceFirstCase } from './permit.js';
import type { ProduceFirstTemplate } from './template.js';
import type { ProduceFirstView } from './view.js';

/** A produce-first case's input: the pledge, the products and the missing qualifications. */
export type ProduceFirstInput = CaseInput<ProduceFirstTemplate, ProduceFirstDetails>;

export function produceFirstWorkflow(input: ProduceFirstInput): Promise<ProduceFirstView> {
  return runCase(new ProduceFirstCase(input));
}

/** The case as it opens: the eligibility task and its deadline (no command sent yet). */
export const openProduceFirstCase = (input: ProduceFirstInput): OpenedCase<ProduceFirstView> => new ProduceFirstCase(input);
