/**
 * Process 2, produce first, certify later: an enterprise able to produce epidemic supplies but
 * lacking some qualification starts on a signed pledge. An eligibility task issues a provisional
 * permit; each missing qualification is an obligation due a period after the permit, verified by
 * its department once the certificate is filed. Reminders come before each due date; a due date
 * passed unverified makes the obligation overdue and escalates it; after the grace period the permit
 * is suspended; verifying every overdue obligation reinstates it; a suspension that lasts
 * `revokeAfter` revokes it. All obligations verified: certified, with a formal licence number.
 */
import type { CaseView } from '../../common/types.js';
import type { CaseInput } from '../../workflows/definitions.js';
import { CaseCore, runCase, type OpenedCase } from '../../workflows/lib/case-core.js';
import type { ProduceFirstDetails } from './details.js';
import { fileCertificateUpdate } from './messages.js';
import { PermitObligations } from './permit.js';
import { PRODUCE_FIRST_TRANSITIONS, type ProduceFirstStatus } from './status.js';
import type { ProduceFirstTemplate } from './template.js';

/** A produce-first case's input: the pledge, the products and the missing qualifications. */
export type ProduceFirstInput = CaseInput<ProduceFirstTemplate, ProduceFirstDetails>;

export function produceFirstWorkflow(input: ProduceFirstInput): Promise<CaseView> {
  return runCase(openProduceFirstCase(input));
}

/** The case as it opens: the eligibility task and its deadline (no command sent yet). */
export function openProduceFirstCase(input: ProduceFirstInput): OpenedCase {
  const permit = new PermitObligations(input.template, input.details);
  const c: CaseCore<ProduceFirstTemplate, ProduceFirstStatus> = new CaseCore(input, PRODUCE_FIRST_TRANSITIONS, {
    deadlineMs: (at) => permit.deadlineMs(at),
    extraView: () => permit.view(),
    validateDecision: (d, task) => permit.validateDecision(d, task),
    fourEyes: (task) => permit.fourEyes(task),
    onDecision: (d, task, at) => permit.onDecision(d, task, at),
  });
  permit.start(c);

  return {
    core: c,
    registerHandlers: () => {
      c.registerHandlers();
      c.onUpdate(
        fileCertificateUpdate,
        (f) => permit.fileCertificate(f),
        (f) => void permit.validateFiling(f),
      );
    },
  };
}
