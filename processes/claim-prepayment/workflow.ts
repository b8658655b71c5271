/**
 * Process 3, a claim through the fast channel: the claims desk acknowledges (accepts or rejects);
 * an adjuster proposes a prepayment up to `maxRatio` of the claim, which a second person approves
 * above the threshold (four eyes); the advance is paid exactly once through the payments adapter;
 * the assessed amount then settles the claim: the remainder is paid, or an overpaid advance is
 * recorded for recovery. Money is integer minor units with its currency throughout.
 */
import { describeDuration } from '../../common/duration.js';
import { formatMoney, share } from '../../common/money.js';
import type { Actor, Money, PaymentRecord, RecoveryRecord } from '../../common/types.js';
import type { CaseInput, DecisionInput } from '../../workflows/definitions.js';
import type { FourEyesBar } from '../../workflows/lib/actors.js';
import { CaseCore, runCase, type CaseCoreHooks, type OpenedCase } from '../../workflows/lib/case-core.js';
import type { Span } from '../../workflows/lib/case-time.js';
import { conflict, invalid } from '../../workflows/lib/refusals.js';
import { DeadlineGroup } from '../../workflows/lib/deadlines.js';
import type { TaskState } from '../../workflows/lib/tasks.js';
import { iso } from '../../workflows/lib/time.js';
import type { ClaimDetails } from './details.js';
import { CLAIM_TRANSITIONS, type ClaimStatus } from './status.js';
import type { ClaimTemplate } from './template.js';
import type { ClaimFields, ClaimView, SettlementView } from './view.js';

/** A claim's input: the claim, in the template's currency. */
export type ClaimInput = CaseInput<ClaimTemplate, ClaimDetails>;

const ACKNOWLEDGE = 'acknowledge';
const PREPAYMENT = 'prepayment';
const APPROVAL = 'prepayment-approval';
const ASSESSMENT = 'assessment';

/** The periods a claim is held to: acknowledgement from opening, prepayment and settlement from acceptance. */
const DEADLINE = {
  acknowledge: new DeadlineGroup('acknowledge').key('deadline'),
  prepayment: new DeadlineGroup('prepayment').key('deadline'),
  settlement: new DeadlineGroup('settlement').key('deadline'),
};

export function claimPrepaymentWorkflow(input: ClaimInput): Promise<ClaimView> {
  return runCase(new ClaimCase(input));
}

/** The case as it opens: the acknowledgement task and its deadline (no command sent yet). */
export const openClaimCase = (input: ClaimInput): OpenedCase<ClaimView> => new ClaimCase(input);

/** A claim: the core every process shares, the claim's money, and what each step's decision means. */
class ClaimCase implements OpenedCase<ClaimView>, CaseCoreHooks<ClaimStatus, ClaimView> {
  readonly core: CaseCore<ClaimTemplate, ClaimStatus, ClaimView>;
  private readonly template: ClaimTemplate;
  private readonly claim: ClaimDetails;
  /** The most the advance may be: `maxRatio` of the claimed amount. */
  private readonly cap: Money;
  private readonly payee: { creditCode: string; name: string };
  private readonly acknowledgeSpan: Span;

  private acceptedAtMs: number | null = null;
  /** The clock's stopped time at acceptance, from which the prepayment and settlement periods count. */
  private acceptedMark = 0;
  private prepaymentSpan: Span | null = null;
  private settlementSpan: Span | null = null;
  private proposed: Money | null = null;
  private proposedBy: Actor | null = null;
  private approvedBy: Actor | null = null;
  private declined = false;
  /** A payment or settlement is under way: the claim may not be withdrawn in the middle of it. */
  private paying = false;
  private readonly payments: PaymentRecord[] = [];
  private settlement: SettlementView | null = null;

  constructor(input: ClaimInput) {
    this.template = input.template;
    this.claim = input.details;
    this.cap = this.money(share(this.claim.claimedAmount.amount, this.template.prepayment.maxRatio));
    this.payee = { creditCode: input.applicant.creditCode, name: input.applicant.name };
    const c = (this.core = new CaseCore(input, CLAIM_TRANSITIONS, this));
    const { acknowledge } = this.template;
    this.acknowledgeSpan = c.time.spanOf(acknowledge.sla, c.openedAtMs);
    c.openTask({ taskId: ACKNOWLEDGE, dept: acknowledge.dept, title: 'Acknowledge the claim', sla: c.time.resolve(acknowledge.sla) }, c.openedAtMs);
    c.deadlines.add(DEADLINE.acknowledge, this.acknowledgeSpan, c.openedAtMs, () =>
      this.acceptedAtMs === null ? c.breach('breach:acknowledge', `claim ${c.number} not acknowledged within ${describeDuration(acknowledge.sla)}`) : undefined,
    );
  }

  registerHandlers(): void {
    this.core.registerHandlers();
  }

  /** Amounts in the claim's currency. */
  private money(amount: number): Money {
    return { amount, currency: this.claim.claimedAmount.currency };
  }

  deadlineMs(at: number): number {
    const { time } = this.core;
    return this.settlementSpan === null ? time.due(this.acknowledgeSpan, 0, at) : time.due(this.settlementSpan, this.acceptedMark, at);
  }

  extraView(): ClaimFields {
    const { acceptedAtMs, cap, proposed, proposedBy, approvedBy, declined } = this;
    return {
      acceptedAt: acceptedAtMs === null ? null : iso(acceptedAtMs),
      prepayment: { cap, proposed, proposedBy: proposedBy?.sub ?? null, approvedBy: approvedBy?.sub ?? null, declined },
      payments: this.payments.map((p) => ({ ...p })),
      settlement: this.settlement,
    };
  }

  validateWithdraw(): void {
    if (this.paying) conflict('a payment for this claim is being made; try again in a moment');
    if (this.payments.length) conflict('a prepaid claim is settled, not withdrawn');
  }

  statusAfterSupplement(): ClaimStatus {
    return this.acceptedAtMs === null ? 'in-review' : this.payments.length ? 'prepaid' : 'accepted';
  }

  validateDecision(d: DecisionInput, task: TaskState): void {
    const { cap, claim, template } = this;
    const currency = claim.claimedAmount.currency;
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
  fourEyes(task: TaskState): FourEyesBar[] {
    return task.taskId === APPROVAL && this.proposedBy ? [{ sub: this.proposedBy.sub, role: 'adjuster who proposed this prepayment' }] : [];
  }

  async onDecision(d: DecisionInput, task: TaskState, at: number): Promise<void> {
    const c = this.core;
    if (d.outcome === 'request-info') return c.awaitSupplement(at);
    switch (task.taskId) {
      case ACKNOWLEDGE:
        if (d.outcome === 'reject') return c.close('rejected', d.actor, [{ taskId: ACKNOWLEDGE, reason: d.comment ?? '' }]);
        return this.accept(at);
      case PREPAYMENT: {
        if (d.outcome === 'reject') {
          this.declined = true;
          return this.openAssessment(at);
        }
        const proposed = d.amount as Money;
        this.proposed = proposed;
        this.proposedBy = d.actor;
        if (proposed.amount > this.template.prepayment.approvalThreshold.amount) {
          const spec = {
            taskId: APPROVAL,
            dept: this.template.prepayment.approverDept,
            title: `Approve a prepayment of ${formatMoney(proposed)}`,
            sla: this.remainingPrepayment(at),
          };
          // After a refused approval the same task opens again (task ids are unique on a case).
          const refused = c.task(APPROVAL);
          if (refused) c.reopenTask(Object.assign(refused, spec), at);
          else c.openTask(spec, at);
          return;
        }
        return this.payPrepayment(at);
      }
      case APPROVAL:
        if (d.outcome === 'reject') {
          // The proposal goes back to the adjuster for another amount (or none).
          this.proposed = null;
          this.proposedBy = null;
          c.reopenTask(c.task(PREPAYMENT) as TaskState, at);
          return;
        }
        this.approvedBy = d.actor;
        return this.payPrepayment(at);
      case ASSESSMENT:
        return this.settle(d.outcome === 'approve' ? (d.amount as Money) : this.money(0), d.actor, d.comment ?? null);
    }
  }

  /** What is left of the prepayment period at `at` (at least a minute), counted as the period is. */
  private remainingPrepayment(at: number) {
    const { time } = this.core;
    const span = this.prepaymentSpan as Span;
    const due = time.due(span, this.acceptedMark, at);
    return { measure: span.measure, budgetMs: Math.max(60_000, time.between(span.measure, at, due)), fromNextWorkingDay: false };
  }

  private accept(at: number): void {
    const c = this.core;
    const { prepayment, settlement } = this.template;
    c.status.to('accepted');
    this.acceptedAtMs = at;
    this.acceptedMark = c.clock.pausedMs(at);
    const prepaymentSpan = (this.prepaymentSpan = c.time.spanOf(prepayment.sla, at));
    const settlementSpan = (this.settlementSpan = c.time.spanOf(settlement.sla, at));
    c.openTask({ taskId: PREPAYMENT, dept: prepayment.dept, title: 'Propose the prepayment', sla: c.time.resolve(prepayment.sla) }, at);
    c.deadlines.add(DEADLINE.prepayment, prepaymentSpan, at, () =>
      this.payments.length || this.declined
        ? undefined
        : c.breach('breach:prepayment', `no prepayment on claim ${c.number} within ${describeDuration(prepayment.sla)} of acceptance`),
    );
    c.deadlines.add(DEADLINE.settlement, settlementSpan, at, () =>
      c.breach('breach:settlement', `claim ${c.number} not settled within ${describeDuration(settlement.sla)} of acceptance`),
    );
  }

  private openAssessment(at: number): void {
    const { assessment } = this.template;
    this.core.openTask({ taskId: ASSESSMENT, dept: assessment.dept, title: 'Assess the loss', sla: this.core.time.resolve(assessment.sla) }, at);
  }

  private async payPrepayment(at: number): Promise<void> {
    const c = this.core;
    const record = await this.whilePaying(() =>
      c.activities.pay({ caseId: c.caseId, purpose: 'prepayment', amount: this.proposed as Money, payee: this.payee }),
    );
    this.payments.push(record);
    c.status.to('prepaid');
    c.touch();
    this.openAssessment(at);
    await c.tellApplicant('prepayment', 'prepayment', `a prepayment of ${formatMoney(record.amount)} on claim ${c.number} was paid (${record.reference})`);
  }

  /**
   * Runs a payment step with withdrawal held off; a step that fails for good (a payment refused as
   * non-retryable) lets the claim be withdrawn again instead of blocking it for ever.
   */
  private async whilePaying<T>(step: () => Promise<T>): Promise<T> {
    this.paying = true;
    try {
      return await step();
    } finally {
      this.paying = false;
    }
  }

  private async settle(assessed: Money, by: Actor, comment: string | null): Promise<void> {
    const c = this.core;
    const prepaid = this.money(this.payments.find((p) => p.purpose === 'prepayment')?.amount.amount ?? 0);
    const remainder = this.money(assessed.amount - prepaid.amount);
    let recovery: RecoveryRecord | null = null;
    await this.whilePaying(async () => {
      if (remainder.amount > 0) {
        this.payments.push(await c.activities.pay({ caseId: c.caseId, purpose: 'settlement', amount: remainder, payee: this.payee }));
      } else if (remainder.amount < 0) {
        recovery = await c.activities.recordRecovery({
          caseId: c.caseId,
          amount: this.money(-remainder.amount),
          reason: `assessed ${formatMoney(assessed)} is below the prepaid ${formatMoney(prepaid)}${comment ? `: ${comment}` : ''}`,
        });
      }
    });
    this.settlement = { assessed, prepaid, remainder, recovery };
    const outcome =
      remainder.amount > 0
        ? `the remaining ${formatMoney(remainder)} was paid`
        : remainder.amount < 0
          ? `${formatMoney(this.money(-remainder.amount))} of the prepayment is to be recovered`
          : 'nothing more is due';
    await c.tellApplicant('settlement', 'settlement', `claim ${c.number} is settled at ${formatMoney(assessed)}: ${outcome}`);
    await c.close('settled', by, comment ? [{ taskId: ASSESSMENT, reason: comment }] : []);
  }
}
