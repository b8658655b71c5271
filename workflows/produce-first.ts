/**
 * Process 2, produce first, certify later: an enterprise able to produce epidemic supplies but
 * lacking some qualification starts on a signed pledge. An eligibility task issues a provisional
 * permit; each missing qualification is an obligation due a period after the permit, verified by
 * its department once the certificate is filed. Reminders come before each due date; a due date
 * passed unverified makes the obligation overdue and escalates it; after the grace period the permit
 * is suspended; verifying every overdue obligation reinstates it; a suspension that lasts
 * `revokeAfter` revokes it. All obligations verified: certified, with a formal licence number.
 */
import { patched, setHandler } from '@temporalio/workflow';
import { durationMs } from '../common/duration.js';
import {
  SYSTEM_ACTOR,
  type Actor,
  type CaseView,
  type FilingRecord,
  type ObligationStatus,
  type ObligationView,
  type ProduceFirstDetails,
  type SuspensionView,
} from '../common/types.js';
import type { ProduceFirstTemplate } from '../templates/schema.js';
import { fileCertificateUpdate, verifyTaskId, type CertificateInput, type OpenCaseInput } from './definitions.js';
import { assertFourEyes } from './lib/actors.js';
import { CaseCore } from './lib/case-core.js';
import { conflict, invalid, notFound } from './lib/refusals.js';
import type { TaskState } from './lib/tasks.js';
import { iso, now } from './lib/time.js';

const ELIGIBILITY = 'eligibility';

interface ObligationState {
  qualification: string;
  dept: string;
  title: string;
  due: string;
  dueMs: number;
  status: ObligationStatus;
  dueAtMs: number | null;
  overdueAtMs: number | null;
  remindersSent: { at: string; before: string }[];
  rejectionReason: string | null;
  filings: FilingRecord[];
}

interface SuspensionState {
  atMs: number;
  reason: string;
  revokeAtMs: number;
  reinstatedAtMs: number | null;
}

export async function produceFirstWorkflow(input: OpenCaseInput<ProduceFirstTemplate>): Promise<CaseView> {
  const { template } = input;
  const details = input.details as unknown as ProduceFirstDetails;
  const eligibilitySlaMs = durationMs(template.eligibility.sla);
  const graceMs = durationMs(template.grace);
  const revokeAfterMs = durationMs(template.revokeAfter);
  const verificationSlaMs = durationMs(template.verificationSla);

  const obligations: ObligationState[] = template.obligations
    .filter((o) => details.missing.includes(o.qualification))
    .map((o) => ({
      ...o,
      dueMs: durationMs(o.due),
      status: 'pending',
      dueAtMs: null,
      overdueAtMs: null,
      remindersSent: [],
      rejectionReason: null,
      filings: [],
    }));
  const suspensions: SuspensionState[] = [];
  let permit: { number: string | null; issuedAtMs: number } | null = null;

  const c: CaseCore<ProduceFirstTemplate> = new CaseCore(input, {
    deadlineMs,
    extraView: () => ({
      pledge: { signedBy: details.pledge.signedBy, text: details.pledge.text, signedAt: iso(c.openedAtMs) },
      permit: permit && { number: permit.number, issuedAt: iso(permit.issuedAtMs) },
      obligations: obligations.map(obligationView),
      suspensions: suspensions.map(suspensionView),
    }),
    validateDecision: (d, task) => {
      if (task.taskId === ELIGIBILITY) return;
      if (d.outcome === 'request-info') invalid('a certificate is verified or rejected; reject it with the reason so that the enterprise files it again');
      const filing = obligations.find((o) => verifyTaskId(o.qualification) === task.taskId)?.filings.at(-1);
      if (filing) assertFourEyes(d.actor, [{ sub: filing.filedBy, role: 'person who filed this certificate' }]);
    },
    onDecision: async (d, task, at) => {
      if (task.taskId === ELIGIBILITY) {
        if (d.outcome === 'request-info') c.awaitSupplement(at);
        else if (d.outcome === 'reject') await c.close('rejected', d.actor, [{ taskId: task.taskId, reason: d.comment ?? '' }]);
        else await issuePermit(at);
      } else {
        await onVerification(d.actor, d.outcome === 'approve', d.comment ?? null, task, at);
      }
    },
  });

  c.openTask({ taskId: ELIGIBILITY, dept: template.eligibility.dept, title: template.eligibility.title, slaMs: eligibilitySlaMs }, c.openedAtMs);
  c.deadlines.add('eligibility:deadline', c.openedAtMs + eligibilitySlaMs, c.openedAtMs, onEligibilityDeadline);

  /** Before the permit: the eligibility deadline. After: the next date that can change the permit. */
  function deadlineMs(at: number): number {
    if (!permit) return c.clock.shifted(c.openedAtMs + eligibilitySlaMs, 0, at);
    const next: number[] = [];
    for (const o of obligations) {
      if (o.status === 'verified' || o.dueAtMs === null) continue;
      next.push(o.dueAtMs > at ? o.dueAtMs : o.dueAtMs + graceMs);
    }
    const open = suspensions[suspensions.length - 1];
    if (c.status === 'suspended' && open) next.push(open.revokeAtMs);
    const future = next.filter((t) => t >= at);
    if (future.length) return Math.min(...future);
    return next.length ? Math.max(...next) : permit.issuedAtMs;
  }

  function obligationView(o: ObligationState): ObligationView {
    return {
      qualification: o.qualification,
      dept: o.dept,
      title: o.title,
      due: o.due,
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

  async function onEligibilityDeadline(): Promise<void> {
    if (!permit) await c.breach('breach', `eligibility of case ${c.caseId} not decided within ${template.eligibility.sla}`);
  }

  /** Eligibility approved: the provisional permit, and every obligation's clock starts. */
  async function issuePermit(at: number): Promise<void> {
    c.status = 'provisional';
    permit = { number: null, issuedAtMs: at };
    c.deadlines.cancel('eligibility:');
    for (const o of obligations) scheduleObligation(o, at);
    permit.number = await c.activities.issueNumber({ caseId: c.caseId, purpose: 'provisional-permit', prefix: 'PFP' });
    // The list projection must show the number too (it may have been published while it was
    // being issued). Cases started before this change replay without the extra publication.
    if (patched('permit-number-published')) c.touch();
    await c.notify(
      'permit-issued',
      'permit',
      { recipient: { dept: null, role: 'applicant' }, message: `provisional permit ${permit.number} issued for case ${c.caseId}; ${obligations.length} certificate(s) due` },
      at,
    );
  }

  function scheduleObligation(o: ObligationState, at: number): void {
    const dueAt = at + o.dueMs;
    o.dueAtMs = dueAt;
    template.reminders.forEach((before, i) => {
      const when = dueAt - durationMs(before);
      if (when > at) c.deadlines.add(`obligation:${o.qualification}:reminder:${i}`, when, at, () => remind(o, before, i));
    });
    c.deadlines.add(`obligation:${o.qualification}:due`, dueAt, at, () => onDue(o));
    c.deadlines.add(`obligation:${o.qualification}:grace`, dueAt + graceMs, at, () => onGraceOver(o));
  }

  async function remind(o: ObligationState, before: string, i: number): Promise<void> {
    if (o.status === 'verified') return;
    const at = now();
    o.remindersSent.push({ at: iso(at), before });
    c.touch();
    await c.notify(
      'obligation-reminder',
      `obligation:${o.qualification}:reminder:${i}`,
      { taskId: verifyTaskId(o.qualification), recipient: { dept: null, role: 'applicant' }, message: `${o.title} is due in ${before} (${iso(o.dueAtMs as number)})` },
      at,
    );
  }

  async function onDue(o: ObligationState): Promise<void> {
    if (o.status === 'verified') return;
    const at = now();
    o.overdueAtMs = at;
    if (o.status === 'pending') o.status = 'overdue';
    // Recorded under the verification task's id, as the notification names it (the task may open later).
    c.escalations.push({ at: iso(at), taskId: verifyTaskId(o.qualification), action: 'supervisor', level: 1 });
    c.touch();
    await c.notify(
      'obligation-overdue',
      `obligation:${o.qualification}:overdue`,
      {
        taskId: verifyTaskId(o.qualification),
        action: 'supervisor',
        level: 1,
        recipient: { dept: o.dept, role: 'supervisor' },
        message: `${o.title} of case ${c.caseId} is overdue (due ${iso(o.dueAtMs as number)}); the permit is suspended after ${template.grace}`,
      },
      at,
    );
  }

  async function onGraceOver(o: ObligationState): Promise<void> {
    if (o.status === 'verified' || c.status === 'suspended') return;
    const at = now();
    const reason = `${o.title} not verified within ${o.due} and the ${template.grace} grace period`;
    c.status = 'suspended';
    suspensions.push({ atMs: at, reason, revokeAtMs: at + revokeAfterMs, reinstatedAtMs: null });
    c.deadlines.add('revocation', at + revokeAfterMs, at, onRevocationDue);
    c.touch();
    await c.notify(
      'suspended',
      `suspended:${suspensions.length}`,
      { recipient: { dept: null, role: 'applicant' }, message: `provisional permit ${permit?.number} is suspended: production must stop. ${reason}` },
      at,
    );
  }

  async function onRevocationDue(): Promise<void> {
    if (c.status !== 'suspended') return;
    const reason = suspensions[suspensions.length - 1]?.reason ?? 'suspension not lifted';
    await c.close('revoked', SYSTEM_ACTOR, [{ taskId: null, reason: `revoked after ${template.revokeAfter} of suspension: ${reason}` }]);
  }

  async function onVerification(actor: Actor, verified: boolean, comment: string | null, task: TaskState, at: number): Promise<void> {
    const o = obligations.find((x) => verifyTaskId(x.qualification) === task.taskId) as ObligationState;
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
    c.deadlines.cancel(`obligation:${o.qualification}:`);
    if (obligations.every((x) => x.status === 'verified')) {
      await c.close('certified', actor, [], { number: { purpose: 'licence', prefix: 'PFL' } });
      return;
    }
    const open = suspensions[suspensions.length - 1];
    if (c.status === 'suspended' && open && obligations.every((x) => x.overdueAtMs === null || x.status === 'verified')) {
      c.status = 'provisional';
      open.reinstatedAtMs = at;
      c.deadlines.cancel('revocation');
      await c.notify(
        'reinstated',
        `reinstated:${suspensions.length}`,
        { recipient: { dept: null, role: 'applicant' }, message: `provisional permit ${permit?.number} is reinstated: every overdue certificate is verified` },
        at,
      );
    }
  }

  function validateFiling(f: CertificateInput): ObligationState {
    c.assertOpen();
    c.assertApplicantOrOpeningDept(f.actor, 'filing a certificate');
    const o = obligations.find((x) => x.qualification === f.qualification);
    if (!o) return notFound(`no obligation ${f.qualification} on this case; its obligations are ${obligations.map((x) => x.qualification).join(', ')}`);
    if (c.status !== 'provisional' && c.status !== 'suspended') conflict(`certificates are filed under a provisional permit; case ${c.caseId} is ${c.status}`);
    if (o.status === 'verified') conflict(`${o.qualification} is already verified`);
    if (o.status === 'submitted') conflict(`a certificate for ${o.qualification} is already awaiting verification`);
    return o;
  }

  c.registerHandlers();
  setHandler(
    fileCertificateUpdate,
    (f) => {
      const at = now();
      const o = validateFiling(f);
      o.filings.push({
        number: f.number,
        issuer: f.issuer,
        issuedAt: f.issuedAt,
        documentRef: f.documentRef,
        filedAt: iso(at),
        filedBy: f.actor.sub,
        outcome: 'pending',
        decidedBy: null,
        decidedAt: null,
        reason: null,
      });
      o.status = 'submitted';
      const spec = { taskId: verifyTaskId(o.qualification), dept: o.dept, title: `Verify: ${o.title}`, slaMs: verificationSlaMs };
      const task = c.task(spec.taskId);
      if (task) c.reopenTask(task, at);
      else c.openTask(spec, at);
      c.touch();
      return c.view();
    },
    { validator: (f) => void validateFiling(f) },
  );

  await c.run();
  return c.view();
}
