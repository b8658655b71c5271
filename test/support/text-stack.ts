/**
 * The stack side of the text-property tests (test/api/text-*.test.ts; their strings are
 * text-strings.ts): the file's stack and client (`useStack`, from its beforeAll), the actors, a
 * request of raw bytes, opening cases of the three processes for fresh credit codes and recording
 * them (`used`, `acceptedCodes`, `refusedCodes`), reading a case back (the live case, the list's
 * PostgreSQL projection), and the checks afterwards over what the file used (`expectAfterwards`).
 * The state is the test file's own: each file runs in a process of its own (pool 'forks').
 */
import { expect } from 'vitest';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import type { Actor } from '../../common/types.js';
import { uploadDocument } from './documents.js';
import { applicant, opener } from './fixtures.js';
import { OpenApiConformance } from './openapi-conformance.js';
import { api, tokenFor, type Stack } from './stack.js';
import type { Answer } from './text-strings.js';
import { waitFor } from './wait.js';

export let stack: Stack;
export let call: ReturnType<typeof api>;

/** The stack the test file started in its beforeAll, and a client of it: every helper here uses them. */
export function useStack(started: Stack): void {
  stack = started;
  call = api(started.baseUrl);
}

export const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
export const admin: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };
export const supervisorOf = (dept: string): Actor => ({ sub: `${dept}-chief`, name: `Chief of ${dept}`, roles: ['supervisor'], dept });
export const officerOf = (dept: string): Actor => ({ sub: `${dept}-officer`, name: `Officer of ${dept}`, roles: ['caseworker'], dept });

/** A request whose body is `bytes` as they are (`call` sends a string, which fetch makes UTF-8), checked against the OpenAPI document. */
export async function callBytes(method: string, path: string, as: Actor, bytes: Uint8Array, contentType: string): Promise<Answer> {
  const res = await fetch(stack.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(as)}`, 'content-type': contentType },
    body: Buffer.from(bytes),
  });
  const text = await res.text();
  const body: unknown = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  (await OpenApiConformance.load(stack.baseUrl)).check(method, path, { status: res.status, contentType: res.headers.get('content-type'), body });
  return { status: res.status, body, headers: res.headers };
}

// ---- cases and what the properties used -------------------------------------------------------

export interface UsedCase {
  caseId: string;
  code: string;
  kind: 'one-stop' | 'produce-first' | 'claim';
}
/** Every case a property opened or changed: afterwards each must still take a decision. */
export const used = new Map<string, UsedCase>();
/** Credit codes of accepted openings (one workflow each), and of refused ones (none). */
export const acceptedCodes = new Set<string>();
export const refusedCodes = new Set<string>();

let serial = 0;
/** A fresh, valid credit code: each opening is for an enterprise of its own, so lists and Temporal can be asked about it alone. */
export function freshCode(): string {
  const first17 = `9135${String(++serial).padStart(6, '0')}${String(Date.now() % 1e7).padStart(7, '0')}`;
  return first17 + creditCodeCheckChar(first17)!;
}

export const applicantFor = (code: string) => ({ ...applicant, creditCode: code });
const PLEDGE = { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to obtain every missing qualification in time.' };
export const produceFirstDetails = () => ({ pledge: { ...PLEDGE }, products: [{ name: 'medical protective suits', description: 'EN 14126' }] });
export const claimDetails = () => ({
  policyNumber: 'PL-2020-000123',
  claimedAmount: { amount: 50_000_000, currency: 'CNY' },
  loss: { description: 'production halted for 21 days by the quarantine order', occurredAt: '2020-02-01T00:00:00Z' },
});
export const TEMPLATES = {
  'one-stop': 'mask-line-fast-track',
  'produce-first': 'produce-first-epidemic-supplies',
  claim: 'liability-claim-fast-channel',
} as const;

export async function open(
  kind: UsedCase['kind'],
  over: { applicant?: unknown; details?: unknown; documents?: unknown } = {},
): Promise<{ r: Answer; code: string }> {
  const code = freshCode();
  const details = kind === 'one-stop' ? { product: 'masks' } : kind === 'produce-first' ? produceFirstDetails() : claimDetails();
  const body = { templateId: TEMPLATES[kind], applicant: applicantFor(code), details, ...over };
  if (over.applicant) (body.applicant as { creditCode: string }).creditCode = code;
  const r = await call('POST', '/v1/cases', { as: opener, body });
  if (r.status === 201) {
    acceptedCodes.add(code);
    used.set(r.body.caseId, { caseId: r.body.caseId, code, kind });
  } else refusedCodes.add(code);
  return { r, code };
}

export async function openOk(kind: UsedCase['kind']): Promise<UsedCase> {
  const { r } = await open(kind);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return used.get(r.body.caseId)!;
}

export const getCase = async (caseId: string) => {
  const r = await call('GET', `/v1/cases/${caseId}`, { as: auditor });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

/** The projected cases of an enterprise, as the list shows them (PostgreSQL, not the workflow). */
export async function listed(code: string): Promise<any[]> {
  const r = await call('GET', `/v1/cases?applicant=${code}&limit=200`, { as: auditor });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items.filter((c: any) => c.applicant.creditCode === code);
}

/** Waits until the projection of `c` satisfies `shows` (it is written just after each answer). */
export async function projectionShows(c: UsedCase, shows: (view: any) => boolean, what: string): Promise<void> {
  try {
    await waitFor(
      () => listed(c.code),
      (items) => items.length === 1 && shows(items[0]),
    );
  } catch (err) {
    throw new Error(`the projection of ${c.caseId} never showed ${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** The workflow's own publication (seq 1 or later) has replaced the API's first view (seq 0). */
export async function workflowPublished(caseId: string): Promise<void> {
  await waitFor(
    async () => (await stack.db.pool.query('SELECT seq FROM cases WHERE case_id = $1', [caseId])).rows[0]?.seq,
    (seq) => Number(seq) >= 1,
  );
}

export const task = (c: any, id: string) => c.tasks.find((t: any) => t.taskId === id);
export const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown>) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body });

/** What a refused change must leave as it was. */
export async function snapshot(caseId: string): Promise<unknown> {
  const c = await getCase(caseId);
  return {
    status: c.status,
    tasks: c.tasks.map((t: any) => [t.taskId, t.status, t.outcome, t.comment, t.requestedDocuments, t.assignee, t.assigneeName]),
    supplements: c.supplements,
    comments: c.comments,
    decision: c.decision,
    obligations: c.obligations?.map((o: any) => [o.qualification, o.status, o.filings.length]),
  };
}

// ---- afterwards --------------------------------------------------------------------------------

/**
 * The checks after a file's properties, over what it used: every case still takes a decision (none
 * is stuck; a withdrawn one is closed), none is on the incident list, and Temporal holds no workflow
 * for a refused opening. `over`: the file used more cases, or refused more openings, than this, so
 * that the checks are not vacuous (left out where the file has none of them).
 */
export async function expectAfterwards(over: { used?: number; refused?: number }): Promise<void> {
  if (over.used !== undefined) expect(used.size).toBeGreaterThan(over.used);

  const incidents = await call('GET', '/v1/incidents?limit=500', { as: admin });
  expect(incidents.status).toBe(200);
  expect(incidents.body.filter((i: any) => used.has(i.caseId))).toEqual([]);

  const cases = [...used.values()];
  const work = async (c: UsedCase) => {
    let now = await getCase(c.caseId);
    if (now.closedAt) {
      expect(now.status, c.caseId).toBe('withdrawn');
      return;
    }
    if (now.status === 'awaiting-supplement') {
      const plan = await uploadDocument(stack.baseUrl, opener, 'floor-plan');
      const sup = await call('POST', `/v1/cases/${c.caseId}/supplements`, { as: opener, body: { documents: [plan] } });
      expect(sup.status, `${c.caseId}: ${JSON.stringify(sup.body)}`).toBe(200);
      now = sup.body;
    }
    let open = now.tasks.find((t: any) => t.status === 'open');
    if (!open && c.kind === 'produce-first') {
      const pending = now.obligations.find((o: any) => o.status !== 'verified' && !o.filings.some((x: any) => x.outcome === 'pending'));
      const document = await uploadDocument(stack.baseUrl, opener, `certificate-${pending.qualification}`);
      const filed = await call('POST', `/v1/cases/${c.caseId}/certificates`, {
        as: opener,
        body: { qualification: pending.qualification, number: 'N-1', issuer: 'Issuer', issuedAt: '2020-03-01', document },
      });
      expect(filed.status, `${c.caseId}: ${JSON.stringify(filed.body)}`).toBe(200);
      open = filed.body.tasks.find((t: any) => t.status === 'open');
    }
    expect(open, `${c.caseId} has no open task: ${JSON.stringify(now.tasks)}`).toBeDefined();
    const r = await decide(c.caseId, open.taskId, supervisorOf(open.dept), { outcome: 'approve', comment: 'checked after the text properties' });
    expect(r.status, `${c.caseId} ${open.taskId}: ${JSON.stringify(r.body)}`).toBe(200);
    expect(task(r.body, open.taskId)).toMatchObject({ status: 'decided', outcome: 'approve' });
  };
  for (let i = 0; i < cases.length; i += 4) await Promise.all(cases.slice(i, i + 4).map(work));

  // Visibility is eventually consistent: once it lists every accepted opening, a refused one would be listed too.
  // (A file that accepted no opening has none to wait for: its refused ones are counted at once.)
  const count = async (codes: Set<string>) =>
    Number((await stack.client.workflow.count(`ApplicantCode IN (${[...codes].map((c) => `'${c}'`).join(', ')})`)).count);
  if (acceptedCodes.size > 0)
    await waitFor(
      () => count(acceptedCodes),
      (n) => n === acceptedCodes.size,
      30_000,
    );
  if (over.refused !== undefined) expect(refusedCodes.size).toBeGreaterThan(over.refused);
  if (refusedCodes.size > 0) expect(await count(refusedCodes)).toBe(0);
  const after = await call('GET', '/v1/incidents?limit=500', { as: admin });
  expect(after.body.filter((i: any) => used.has(i.caseId))).toEqual([]);
}
