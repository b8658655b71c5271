/**
 * Process 3, a claim through the fast channel: the claims desk acknowledges (accepts or rejects);
 * an adjuster proposes a prepayment up to `maxRatio` of the claim, which a second person approves
 * above the threshold (four eyes); the advance is paid exactly once through the payments adapter;
 * the assessed amount then settles the claim: the remainder is paid, or an overpaid advance is
 * recorded for recovery. Money is integer minor units with its currency throughout.
 */
import { describeDuration } from '../../common/duration.js';
import { formatMoney, share } from '../../common/money.js';
import type { Actor, CaseView, Money, PaymentRecord, RecoveryRecord, SettlementView } from '../../common/types.js';
import type { CaseInput, DecisionInput } from '../../workflows/definitions.js';
import type { FourEyesBar } from '../../workflows/lib/actors.js';
import { CaseCore, runCase, type OpenedCase } from '../../workflows/lib/case-core.js';
import { conflict, invalid } from '../../workflows/lib/refusals.js';
import type { Span } from '../../workflows/lib/case-time.js';
import type { TaskState } from '../../workflows/lib/tasks.js';
import { iso } from '../../workflows/lib/time.js';
import type { ClaimDetails } from './details.js';
import { CLAIM_TRANSITIONS, type ClaimStatus } from './status.js';
import type { ClaimTemplate } from './template.js';

/** A claim's input: the claim, in the template's currency. */
export type ClaimInput = CaseInput<ClaimTemplate, ClaimDetails>;

const ACKNOWLEDGE = 'acknowledge';
const PREPAYMENT = 'prepayment';
const APPROVAL = 'prepayment-approval';
const ASSESSMENT = 'assessment';

export function claimPrepaymentWorkflow(input: ClaimInput): Promise<CaseView> {
  return runCase(openClaimCase(input));
}

/** The case as it opens: the acknowledgement task and its deadline (no command sent yet). */
export function openClaimCase(input: ClaimInput): OpenedCase {
  const { template, details: claim } = input;
  const currency = claim.claimedAmount.currency;
  const money = (amount: number): Money => ({ amount, currency });
  const cap = money(share(claim.claimedAmount.amount, template.prepayment.maxRatio));
  const payee = { creditCode: input.applicant.creditCode, name: input.applicant.name };

  let acceptedAtMs: number | null = null;
  let acceptedMark = 0;
  /** From acceptance: the prepayment and settlement periods. */
  let prepaymentSpan: Span | null = null;
  let settlementSpan: Span | null = null;
  let proposed: Money | null = null;
  let proposedBy: Actor | null = null;
  let approvedBy: Actor | null = null;
  let declined = false;
  /** A payment or settlement is under way: the claim may not be withdrawn in the middle of it. */
  let paying = false;
  const payments: PaymentRecord[] = [];
  let settlement: SettlementView | null = null;

  const c: CaseCore<ClaimTemplate, ClaimStatus> = new CaseCore(input, CLAIM_TRANSITIONS, {
    deadlineMs: (at) => (settlementSpan === null ? c.time.due(acknowledgeSpan, 0, at) : c.time.due(settlementSpan, acceptedMark, at)),
    extraView: () => ({
      acceptedAt: acceptedAtMs === null ? null : iso(acceptedAtMs),
      prepayment: { cap, proposed, proposedBy: proposedBy?.sub ?? null, approvedBy: approvedBy?.sub ?? null, declined },
      payments: payments.map((p) => ({ ...p })),
      settlement,
    }),
    validateDecision,
    fourEyes,
    validateWithdraw: () => {
      if (paying) conflict('a payment for this claim is being made; try again in a moment');
      if (payments.length) conflict('a prepaid claim is settled, not withdrawn');
    },
    onDecision,
    statusAfterSupplement: () => (acceptedAtMs === null ? 'in-review' : payments.length ? 'prepaid' : 'accepted'),
  });

  const acknowledgeSpan = c.time.spanOf(template.acknowledge.sla, c.openedAtMs);
  c.openTask(
    { taskId: ACKNOWLEDGE, dept: template.acknowledge.dept, title: 'Acknowledge the claim', sla: c.time.resolve(template.acknowledge.sla) },
    c.openedAtMs,
  );
  c.deadlines.add('acknowledge:deadline', acknowledgeSpan, c.openedAtMs, () =>
    acceptedAtMs === null
      ? c.breach('breach:acknowledge', `claim ${c.caseId} not acknowledged within ${describeDuration(template.acknowledge.sla)}`)
      : undefined,
  );

  function validateDecision(d: DecisionInput, task: TaskState): void {
    const withAmount = d.outcome === 'approve' && (task.taskId === PREPAYMENT || task.taskId === ASSESSMENT);
    if (!withAmount && d.amount) invalid('an amount goes only with approving the prepayment or the assessment');
    if (withAmount) {
      if (!d.amount) return invalid(`approving the ${task.taskId} needs an amount`);
      if (d.amount.currency !== currency) invalid(`the claim is in ${currency}; the amount is in ${d.amount.currency}`);
      if (task.taskId === PREPAYMENT) {
        if (d.amount.amount <= 0) invalid('approve a positive prepayment, or reject to pay no advance');
        if (d.amount.amount > cap.amount) {
          conflict(
            `the prepayment ${formatMoney(d.amount)} exceeds the cap of ${formatMoney(cap)} (${template.prepayment.maxRatio} of the claimed ${formatMoney(claim.claimedAmount)})`,
          );
        }
      }
      if (task.taskId === ASSESSMENT && d.amount.amount > claim.claimedAmount.amount) {
        conflict(`the assessed ${formatMoney(d.amount)} exceeds the claimed ${formatMoney(claim.claimedAmount)}`);
      }
    }
  }

  /** Four eyes: the adjuster who proposed the prepayment may not approve it (nor claim or be assigned the approval). */
  function fourEyes(task: TaskState): FourEyesBar[] {
    return task.taskId === APPROVAL && proposedBy ? [{ sub: proposedBy.sub, role: 'adjuster who proposed this prepayment' }] : [];
  }

  async function onDecision(d: DecisionInput, task: TaskState, at: number): Promise<void> {
    if (d.outcome === 'request-info') return c.awaitSupplement(at);
    switch (task.taskId) {
      case ACKNOWLEDGE:
        if (d.outcome === 'reject') return c.close('rejected', d.actor, [{ taskId: ACKNOWLEDGE, reason: d.comment ?? '' }]);
        return accept(at);
      case PREPAYMENT:
        if (d.outcome === 'reject') {
          declined = true;
          return openAssessment(at);
        }
        proposed = d.amount as Money;
        proposedBy = d.actor;
        if (proposed.amount > template.prepayment.approvalThreshold.amount) {
          const spec = {
            taskId: APPROVAL,
            dept: template.prepayment.approverDept,
            title: `Approve a prepayment of ${formatMoney(proposed)}`,
            sla: remainingPrepayment(at),
          };
          // After a refused approval the same task opens again (task ids are unique on a case).
          const refused = c.task(APPROVAL);
          if (refused) c.reopenTask(Object.assign(refused, spec), at);
          else c.openTask(spec, at);
          return;
        }
        return payPrepayment(at);
      case APPROVAL:
        if (d.outcome === 'reject') {
          // The proposal goes back to the adjuster for another amount (or none).
          proposed = null;
          proposedBy = null;
          const prep = c.task(PREPAYMENT) as TaskState;
          c.reopenTask(prep, at);
          return;
        }
        approvedBy = d.actor;
        return payPrepayment(at);
      case ASSESSMENT:
        return settle(d.outcome === 'approve' ? (d.amount as Money) : money(0), d.actor, d.comment ?? null);
    }
  }

  /** What is left of the prepayment period at `at` (at least a minute), counted as the period is. */
  function remainingPrepayment(at: number) {
    const span = prepaymentSpan as Span;
    const due = c.time.due(span, acceptedMark, at);
    return { measure: span.measure, budgetMs: Math.max(60_000, c.time.between(span.measure, at, due)), fromNextWorkingDay: false };
  }

  function accept(at: number): void {
    c.status.to('accepted');
    acceptedAtMs = at;
    acceptedMark = c.clock.pausedMs(at);
    prepaymentSpan = c.time.spanOf(template.prepayment.sla, at);
    settlementSpan = c.time.spanOf(template.settlement.sla, at);
    c.openTask({ taskId: PREPAYMENT, dept: template.prepayment.dept, title: 'Propose the prepayment', sla: c.time.resolve(template.prepayment.sla) }, at);
    c.deadlines.add('prepayment:deadline', prepaymentSpan, at, () =>
      payments.length || declined
        ? undefined
        : c.breach('breach:prepayment', `no prepayment on claim ${c.caseId} within ${describeDuration(template.prepayment.sla)} of acceptance`),
    );
    c.deadlines.add('settlement:deadline', settlementSpan, at, () =>
      c.breach('breach:settlement', `claim ${c.caseId} not settled within ${describeDuration(template.settlement.sla)} of acceptance`),
    );
  }

  function openAssessment(at: number): void {
    c.openTask({ taskId: ASSESSMENT, dept: template.assessment.dept, title: 'Assess the loss', sla: c.time.resolve(template.assessment.sla) }, at);
  }

  async function payPrepayment(at: number): Promise<void> {
    const record = await whilePaying(() => c.activities.pay({ caseId: c.caseId, purpose: 'prepayment', amount: proposed as Money, payee }));
    payments.push(record);
    c.status.to('prepaid');
    c.touch();
    openAssessment(at);
    await c.tellApplicant('prepayment', 'prepayment', `a prepayment of ${formatMoney(record.amount)} on claim ${c.caseId} was paid (${record.reference})`);
  }

  /**
   * Runs a payment step with withdrawal held off; a step that fails for good (a payment refused as
   * non-retryable) lets the claim be withdrawn again instead of blocking it for ever.
   */
  async function whilePaying<T>(step: () => Promise<T>): Promise<T> {
    paying = true;
    try {
      return await step();
    } finally {
      paying = false;
    }
  }

  async function settle(assessed: Money, by: Actor, comment: string | null): Promise<void> {
    const prepaid = money(payments.find((p) => p.purpose === 'prepayment')?.amount.amount ?? 0);
    const remainder = money(assessed.amount - prepaid.amount);
    let recovery: RecoveryRecord | null = null;
    await whilePaying(async () => {
      if (remainder.amount > 0) {
        payments.push(await c.activities.pay({ caseId: c.caseId, purpose: 'settlement', amount: remainder, payee }));
      } else if (remainder.amount < 0) {
        recovery = await c.activities.recordRecovery({
          caseId: c.caseId,
          amount: money(-remainder.amount),
          reason: `assessed ${formatMoney(assessed)} is below the prepaid ${formatMoney(prepaid)}${comment ? `: ${comment}` : ''}`,
        });
      }
    });
    settlement = { assessed, prepaid, remainder, recovery };
    const outcome =
      remainder.amount > 0
        ? `the remaining ${formatMoney(remainder)} was paid`
        : remainder.amount < 0
          ? `${formatMoney(money(-remainder.amount))} of the prepayment is to be recovered`
          : 'nothing more is due';
    await c.tellApplicant('settlement', 'settlement', `claim ${c.caseId} is settled at ${formatMoney(assessed)}: ${outcome}`);
    await c.close('settled', by, comment ? [{ taskId: ASSESSMENT, reason: comment }] : []);
  }

  return { core: c, registerHandlers: () => c.registerHandlers() };
}
