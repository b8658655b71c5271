/**
 * Produce first, certify later: the provisional permit and the obligations under it. Issued when
 * eligibility is approved; each missing qualification is an obligation due a period after the permit,
 * verified by its department once the certificate is filed. Reminders come before each due date; a
 * due date passed unverified makes the obligation overdue and escalates it; after the grace period
 * the permit is suspended; verifying every overdue obligation reinstates it; a suspension that lasts
 * `revokeAfter` revokes it. All obligations verified: certified, with a formal licence number.
 * The workflow (workflow.ts) runs this case; its state and logic live here.
 */
import { describeDuration, type DurationSpec } from '../../common/duration.js';
import { SYSTEM_ACTOR, type Actor, type ObligationStatus } from '../../common/types.js';
import type { CaseReceipt, DecisionInput } from '../../workflows/definitions.js';
import type { FourEyesBar } from '../../workflows/lib/actors.js';
import { CaseCore, type CaseCoreHooks, type OpenedCase } from '../../workflows/lib/case-core.js';
import { instant, type Span } from '../../workflows/lib/case-time.js';
import { DeadlineGroup } from '../../workflows/lib/deadlines.js';
import { conflict, invalid, notFound } from '../../workflows/lib/refusals.js';
import type { TaskState } from '../../workflows/lib/tasks.js';
import { iso, now } from '../../workflows/lib/time.js';
import type { ProduceFirstDetails } from './details.js';
import { fileCertificateUpdate, verifyTaskId, type CertificateInput } from './messages.js';
import { PRODUCE_FIRST_TRANSITIONS, type ProduceFirstStatus } from './status.js';
import type { ProduceFirstInput } from './workflow.js';
import type { ProduceFirstTemplate } from './template.js';
import type { FilingRecord, ObligationView, ProduceFirstFields, ProduceFirstView, SuspensionView } from './view.js';

export const ELIGIBILITY = 'eligibility';

/** The eligibility deadline; the revocation of a suspended permit; each obligation's reminders, due date and grace. */
const ELIGIBILITY_DEADLINES = new DeadlineGroup('eligibility');
const REVOCATION = new DeadlineGroup('revocation');
const obligationDeadlines = (qualification: string) => new DeadlineGroup(`obligation:${qualification}`);

export interface ObligationState {
  qualification: string;
  dept: string;
  title: string;
  due: DurationSpec;
  status: ObligationStatus;
  dueAtMs: number | null;
  overdueAtMs: number | null;
  remindersSent: { at: string; before: string }[];
  rejectionReason: string | null;
  filings: FilingRecord[];
}

export interface SuspensionState {
  atMs: number;
  reason: string;
  revokeAtMs: number;
  reinstatedAtMs: number | null;
}

/** A produce-first case: the core every process shares, the permit, and the obligations under it. */
export class ProduceFirstCase implements OpenedCase<ProduceFirstView>, CaseCoreHooks<ProduceFirstStatus, ProduceFirstView> {
  readonly obligations: ObligationState[];
  readonly suspensions: SuspensionState[] = [];
  permit: { number: string | null; issuedAtMs: number } | null = null;
  private readonly c: CaseCore<ProduceFirstTemplate, ProduceFirstStatus, ProduceFirstView>;
  private readonly template: ProduceFirstTemplate;
  private readonly details: ProduceFirstDetails;
  private readonly eligibilitySpan: Span;

  /** The case as it opens: the eligibility task and its deadline (no command sent yet). */
  constructor(input: ProduceFirstInput) {
    const template = (this.template = input.template);
    const details = (this.details = input.details);
    this.obligations = template.obligations
      .filter((o) => details.missing.includes(o.qualification))
      .map((o) => ({
        ...o,
        status: 'pending',
        dueAtMs: null,
        overdueAtMs: null,
        remindersSent: [],
        rejectionReason: null,
        filings: [],
      }));
    const c = (this.c = new CaseCore(input, PRODUCE_FIRST_TRANSITIONS, this));
    this.eligibilitySpan = c.time.spanOf(template.eligibility.sla, c.openedAtMs);
    c.openTask(
      { taskId: ELIGIBILITY, dept: template.eligibility.dept, title: template.eligibility.title, sla: c.time.resolve(template.eligibility.sla) },
      c.openedAtMs,
    );
    c.deadlines.add(ELIGIBILITY_DEADLINES.key('deadline'), this.eligibilitySpan, c.openedAtMs, () => this.onEligibilityDeadline());
  }

  get core(): CaseCore<ProduceFirstTemplate, ProduceFirstStatus, ProduceFirstView> {
    return this.c;
  }

  /** The updates every case answers, and the certificate an enterprise files. */
  registerHandlers(): void {
    this.c.registerHandlers();
    this.c.onUpdate(
      fileCertificateUpdate,
      (f) => this.fileCertificate(f),
      (f) => void this.validateFiling(f),
    );
  }

  /** Before the permit: the eligibility deadline. After: the next date that can change the permit. */
  deadlineMs(at: number): number {
    const { c, permit } = this;
    if (!permit) return c.time.due(this.eligibilitySpan, 0, at);
    const next: number[] = [];
    for (const o of this.obligations) {
      if (o.status === 'verified' || o.dueAtMs === null) continue;
      next.push(o.dueAtMs > at ? o.dueAtMs : this.graceEnd(o.dueAtMs));
    }
    const open = this.suspensions[this.suspensions.length - 1];
    if (c.status.is('suspended') && open) next.push(open.revokeAtMs);
    const future = next.filter((t) => t >= at);
    if (future.length) return Math.min(...future);
    return next.length ? Math.max(...next) : permit.issuedAtMs;
  }

  extraView(): ProduceFirstFields {
    const { details, permit } = this;
    return {
      pledge: { signedBy: details.pledge.signedBy, text: details.pledge.text, signedAt: iso(this.c.openedAtMs) },
      permit: permit && { number: permit.number, issuedAt: iso(permit.issuedAtMs) },
      obligations: this.obligations.map(obligationView),
      suspensions: this.suspensions.map(suspensionView),
    };
  }

  validateDecision(d: DecisionInput, task: TaskState): void {
    if (task.taskId === ELIGIBILITY) return;
    if (d.outcome === 'request-info') invalid('a certificate is verified or rejected; reject it with the reason so that the enterprise files it again');
  }

  /** Four eyes: whoever filed a certificate may not verify it (nor claim or be assigned its verification). */
  fourEyes(task: TaskState): FourEyesBar[] {
    const filing = this.obligations.find((o) => verifyTaskId(o.qualification) === task.taskId)?.filings.at(-1);
    return filing ? [{ sub: filing.filedBy, role: 'person who filed this certificate' }] : [];
  }

  async onDecision(d: DecisionInput, task: TaskState, at: number): Promise<void> {
    const { c } = this;
    if (task.taskId === ELIGIBILITY) {
      if (d.outcome === 'request-info') c.awaitSupplement(at);
      else if (d.outcome === 'reject') await c.close('rejected', d.actor, [{ taskId: task.taskId, reason: d.comment ?? '' }]);
      else await this.issuePermit(at);
    } else {
      await this.onVerification(d.actor, d.outcome === 'approve', d.comment ?? null, task, at);
    }
  }

  /** A certificate filed: the obligation awaits verification, and its verification task opens (again). */
  fileCertificate(f: CertificateInput): CaseReceipt {
    const { c } = this;
    const at = now();
    const o = this.validateFiling(f);
    o.filings.push({
      number: f.number,
      issuer: f.issuer,
      issuedAt: f.issuedAt,
      document: f.document,
      filedAt: iso(at),
      filedBy: f.actor.sub,
      outcome: 'pending',
      decidedBy: null,
      decidedAt: null,
      reason: null,
    });
    o.status = 'submitted';
    const spec = { taskId: verifyTaskId(o.qualification), dept: o.dept, title: `Verify: ${o.title}`, sla: c.time.resolve(this.template.verificationSla) };
    const task = c.task(spec.taskId);
    if (task) c.reopenTask(task, at);
    else c.openTask(spec, at);
    c.touch();
    return c.receipt();
  }

  validateFiling(f: CertificateInput): ObligationState {
    const { c, obligations } = this;
    c.assertOpen();
    c.assertApplicantOrOpeningDept(f.actor, 'filing a certificate');
    const o = obligations.find((x) => x.qualification === f.qualification);
    if (!o) return notFound(`no obligation ${f.qualification} on this case; its obligations are ${obligations.map((x) => x.qualification).join(', ')}`);
    if (!c.status.is('provisional', 'suspended')) conflict(`certificates are filed under a provisional permit; case ${c.caseId} is ${c.status.value}`);
    if (o.status === 'verified') conflict(`${o.qualification} is already verified`);
    if (o.status === 'submitted') conflict(`a certificate for ${o.qualification} is already awaiting verification`);
    c.assertHistoryRoom('filing a certificate');
    return o;
  }

  private async onEligibilityDeadline(): Promise<void> {
    if (!this.permit)
      await this.c.breach('breach', `eligibility of case ${this.c.number} not decided within ${describeDuration(this.template.eligibility.sla)}`);
  }

  /** Eligibility approved: the provisional permit, and every obligation's clock starts. */
  private async issuePermit(at: number): Promise<void> {
    const { c, obligations } = this;
    c.status.to('provisional');
    const permit: { number: string | null; issuedAtMs: number } = { number: null, issuedAtMs: at };
    this.permit = permit;
    c.deadlines.cancel(ELIGIBILITY_DEADLINES);
    for (const o of obligations) this.scheduleObligation(o, at);
    permit.number = await c.activities.issueNumber({ caseId: c.caseId, purpose: 'provisional-permit', prefix: 'PFP' });
    // The list projection must show the number too (it may have been published while it was being issued).
    c.touch();
    await c.notify(
      'permit-issued',
      'permit',
      {
        recipient: { dept: null, role: 'applicant' },
        message: `provisional permit ${permit.number} issued for case ${c.number}; ${obligations.length} certificate(s) due`,
      },
      at,
    );
  }

  /** When the grace period after a due date ends. */
  private graceEnd(dueAtMs: number): number {
    return this.c.time.end(this.c.time.spanOf(this.template.grace, dueAtMs));
  }

  private scheduleObligation(o: ObligationState, at: number): void {
    const { c } = this;
    const time = c.time;
    const due = time.spanOf(o.due, at);
    const dueAt = time.end(due);
    o.dueAtMs = dueAt;
    this.template.reminders.forEach((before, i) => {
      const when = time.before(time.resolve(before), dueAt);
      if (when > at) c.deadlines.add(obligationDeadlines(o.qualification).key(`reminder:${i}`), instant(when), at, () => this.remind(o, before, i));
    });
    c.deadlines.add(obligationDeadlines(o.qualification).key('due'), due, at, () => this.onDue(o));
    c.deadlines.add(obligationDeadlines(o.qualification).key('grace'), instant(this.graceEnd(dueAt)), at, () => this.onGraceOver(o));
  }

  private async remind(o: ObligationState, before: DurationSpec, i: number): Promise<void> {
    if (o.status === 'verified') return;
    const at = now();
    o.remindersSent.push({ at: iso(at), before: describeDuration(before) });
    this.c.touch();
    await this.c.notify(
      'obligation-reminder',
      `obligation:${o.qualification}:reminder:${i}`,
      {
        taskId: verifyTaskId(o.qualification),
        recipient: { dept: null, role: 'applicant' },
        message: `${o.title} is due in ${describeDuration(before)} (${iso(o.dueAtMs as number)})`,
      },
      at,
    );
  }

  private async onDue(o: ObligationState): Promise<void> {
    if (o.status === 'verified') return;
    const at = now();
    o.overdueAtMs = at;
    if (o.status === 'pending') o.status = 'overdue';
    // Recorded under the verification task's id, as the notification names it (the task may open later).
    this.c.escalations.push({ at: iso(at), taskId: verifyTaskId(o.qualification), action: 'supervisor', level: 1 });
    this.c.touch();
    await this.c.notify(
      'obligation-overdue',
      `obligation:${o.qualification}:overdue`,
      {
        taskId: verifyTaskId(o.qualification),
        action: 'supervisor',
        level: 1,
        recipient: { dept: o.dept, role: 'supervisor' },
        message: `${o.title} of case ${this.c.number} is overdue (due ${iso(o.dueAtMs as number)}); the permit is suspended after ${describeDuration(this.template.grace)}`,
      },
      at,
    );
    await this.c.tellApplicant(
      'obligation-overdue',
      `obligation:${o.qualification}:overdue:applicant`,
      `${o.title} is overdue (due ${iso(o.dueAtMs as number)}): unless it is verified within ${describeDuration(this.template.grace)}, the permit is suspended`,
      at,
      verifyTaskId(o.qualification),
    );
  }

  private async onGraceOver(o: ObligationState): Promise<void> {
    if (o.status === 'verified' || this.c.status.is('suspended')) return;
    const at = now();
    const reason = `${o.title} not verified within ${describeDuration(o.due)} and the ${describeDuration(this.template.grace)} grace period`;
    this.c.status.to('suspended');
    const revoke = this.c.time.spanOf(this.template.revokeAfter, at);
    this.suspensions.push({ atMs: at, reason, revokeAtMs: this.c.time.end(revoke), reinstatedAtMs: null });
    this.c.deadlines.add(REVOCATION.key(), revoke, at, () => this.onRevocationDue());
    this.c.touch();
    await this.c.notify(
      'suspended',
      `suspended:${this.suspensions.length}`,
      { recipient: { dept: null, role: 'applicant' }, message: `provisional permit ${this.permit?.number} is suspended: production must stop. ${reason}` },
      at,
    );
  }

  private async onRevocationDue(): Promise<void> {
    if (!this.c.status.is('suspended')) return;
    const reason = this.suspensions[this.suspensions.length - 1]?.reason ?? 'suspension not lifted';
    await this.c.close('revoked', SYSTEM_ACTOR, [
      { taskId: null, reason: `revoked after ${describeDuration(this.template.revokeAfter)} of suspension: ${reason}` },
    ]);
  }

  private async onVerification(actor: Actor, verified: boolean, comment: string | null, task: TaskState, at: number): Promise<void> {
    const o = this.obligations.find((x) => verifyTaskId(x.qualification) === task.taskId) as ObligationState;
    const filing = o.filings[o.filings.length - 1] as FilingRecord;
    filing.outcome = verified ? 'verified' : 'rejected';
    filing.decidedBy = actor.sub;
    filing.decidedAt = iso(at);
    filing.reason = comment;
    if (!verified) {
      o.status = o.overdueAtMs === null ? 'pending' : 'overdue';
      o.rejectionReason = comment;
      return;
    }
    o.status = 'verified';
    o.rejectionReason = null;
    this.c.deadlines.cancel(obligationDeadlines(o.qualification));
    if (this.obligations.every((x) => x.status === 'verified')) {
      await this.c.close('certified', actor, [], { number: { purpose: 'licence', prefix: 'PFL' } });
      return;
    }
    const open = this.suspensions[this.suspensions.length - 1];
    if (this.c.status.is('suspended') && open && this.obligations.every((x) => x.overdueAtMs === null || x.status === 'verified')) {
      this.c.status.to('provisional');
      open.reinstatedAtMs = at;
      this.c.deadlines.cancel(REVOCATION);
      await this.c.notify(
        'reinstated',
        `reinstated:${this.suspensions.length}`,
        {
          recipient: { dept: null, role: 'applicant' },
          message: `provisional permit ${this.permit?.number} is reinstated: every overdue certificate is verified`,
        },
        at,
      );
    }
  }
}

function obligationView(o: ObligationState): ObligationView {
  return {
    qualification: o.qualification,
    dept: o.dept,
    title: o.title,
    due: describeDuration(o.due),
    status: o.status,
    dueAt: o.dueAtMs === null ? null : iso(o.dueAtMs),
    overdueAt: o.overdueAtMs === null ? null : iso(o.overdueAtMs),
    remindersSent: [...o.remindersSent],
    rejectionReason: o.rejectionReason,
    filings: o.filings.map((f) => ({ ...f })),
  };
}

function suspensionView(s: SuspensionState): SuspensionView {
  return { at: iso(s.atMs), reason: s.reason, revokeAt: iso(s.revokeAtMs), reinstatedAt: s.reinstatedAtMs === null ? null : iso(s.reinstatedAtMs) };
}
