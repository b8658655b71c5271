/**
 * A case of every built-in process, as a plan of the API requests that take it to its end (the claim
 * twice: paid in full, and overpaid), and a driver that opens and advances many at once. Shared by
 * the load drills (two workers on a dev server, the production-shaped cluster): each says how a
 * request is sent (with which client, retried how).
 */
import type { Actor } from '../../common/types.js';
import { applicant, applicantActor, opener, staff } from './fixtures.js';

export interface Step {
  path: string;
  as: Actor;
  body: Record<string, unknown>;
}

export interface Plan {
  templateId: string;
  details: Record<string, unknown>;
  steps: (caseId: string) => Step[];
  closesAs: string;
  /** The ledger this case must end with: purpose and amount (CNY minor units). */
  payments: [string, number][];
  recovery: number | null;
}

export interface PlannedCase {
  caseId: string;
  plan: Plan;
  steps: Step[];
  /** Steps answered so far. */
  done: number;
}

/** Sends one request with its Idempotency-Key and answers the body, having checked the status. */
export type Post = (path: string, as: Actor, body: unknown, key: string, status: number) => Promise<any>;

const decision = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown> = { outcome: 'approve' }): Step => ({
  path: `/v1/cases/${caseId}/tasks/${encodeURIComponent(taskId)}/decision`,
  as,
  body,
});
const cny = (amount: number) => ({ amount, currency: 'CNY' });

/** The qualifications a produce-first case files certificates for, each a document the applicant uploaded. */
export const QUALIFICATIONS = ['product-inspection-report', 'production-licence', 'medical-device-registration'];

const claimDetails = {
  policyNumber: 'PL-2020-000123',
  claimedAmount: cny(50_000_000),
  loss: { description: 'production halted by the quarantine order', occurredAt: '2020-02-01T00:00:00Z' },
};

/** The plans; `documentOf(qualification)` is the applicant's upload of that certificate. */
export function casePlans(documentOf: (qualification: string) => { digest: string }): Plan[] {
  const certificate = (caseId: string, qualification: string): Step => ({
    path: `/v1/cases/${caseId}/certificates`,
    as: applicantActor,
    body: {
      qualification,
      number: `CERT-${qualification}`,
      issuer: 'Provincial administration',
      issuedAt: '2020-03-01T08:00:00Z',
      document: documentOf(qualification),
    },
  });
  const desk = staff('claims-desk');
  const adjuster = staff('claims-adjusting');
  const chief = staff('claims-supervision', 'claims-chief', ['supervisor']);
  return [
    {
      templateId: 'epidemic-supplies-project',
      details: {},
      steps: (id) => ['market-regulation', 'drug-administration', 'health', 'ecology', 'fire-safety'].map((d) => decision(id, d, staff(d))),
      closesAs: 'approved',
      payments: [],
      recovery: null,
    },
    {
      templateId: 'mask-line-fast-track',
      details: {},
      steps: (id) => ['market-regulation', 'health', 'ecology'].map((d) => decision(id, d, staff(d))),
      closesAs: 'approved',
      payments: [],
      recovery: null,
    },
    {
      templateId: 'produce-first-epidemic-supplies',
      details: {
        pledge: { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to obtain every qualification in time.' },
        products: [{ name: 'suits' }],
      },
      steps: (id) => [
        decision(id, 'eligibility', staff('industry-it')),
        certificate(id, 'product-inspection-report'),
        decision(id, 'verify:product-inspection-report', staff('market-regulation')),
        certificate(id, 'production-licence'),
        decision(id, 'verify:production-licence', staff('market-regulation')),
        certificate(id, 'medical-device-registration'),
        decision(id, 'verify:medical-device-registration', staff('drug-administration')),
      ],
      closesAs: 'certified',
      payments: [],
      recovery: null,
    },
    {
      // Below the approval threshold: paid at once; the assessment pays the remainder.
      templateId: 'liability-claim-fast-channel',
      details: claimDetails,
      steps: (id) => [
        decision(id, 'acknowledge', desk),
        decision(id, 'prepayment', adjuster, { outcome: 'approve', amount: cny(5_000_000) }),
        decision(id, 'assessment', adjuster, { outcome: 'approve', amount: cny(8_000_000) }),
      ],
      closesAs: 'settled',
      payments: [
        ['prepayment', 5_000_000],
        ['settlement', 3_000_000],
      ],
      recovery: null,
    },
    {
      // Above the threshold: four eyes approve the advance; assessed below it, the excess is to be recovered.
      templateId: 'liability-claim-fast-channel',
      details: claimDetails,
      steps: (id) => [
        decision(id, 'acknowledge', desk),
        decision(id, 'prepayment', adjuster, { outcome: 'approve', amount: cny(20_000_000) }),
        decision(id, 'prepayment-approval', chief),
        decision(id, 'assessment', adjuster, { outcome: 'approve', amount: cny(15_000_000) }),
      ],
      closesAs: 'settled',
      payments: [['prepayment', 20_000_000]],
      recovery: 5_000_000,
    },
  ];
}

export async function inParallel<T, R>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

/** Opens and advances planned cases through `post`. */
export function caseDriver(plans: Plan[], post: Post) {
  return {
    /** Opens `perPlan` cases of every plan, each opening under its own Idempotency-Key. */
    async openCases(perPlan: number): Promise<PlannedCase[]> {
      const all = plans.flatMap((plan) => Array.from({ length: perPlan }, () => plan));
      const run = Date.now();
      return inParallel(all, 6, async (plan, i) => {
        const opened = await post('/v1/cases', opener, { templateId: plan.templateId, applicant, details: plan.details }, `open-${run}-${i}`, 201);
        return { caseId: opened.caseId as string, plan, steps: plan.steps(opened.caseId), done: 0 };
      });
    },
    /** Takes every case up to `upTo` steps (all by default), `concurrency` cases at a time, each case's steps in order. */
    async advance(cases: PlannedCase[], concurrency: number, upTo = Infinity, afterEach?: () => void): Promise<void> {
      await inParallel(cases, concurrency, async (c) => {
        while (c.done < Math.min(upTo, c.steps.length)) {
          const s = c.steps[c.done] as Step;
          await post(s.path, s.as, s.body, `${c.caseId}-${c.done}`, 200);
          c.done += 1;
          afterEach?.();
        }
      });
    },
  };
}
