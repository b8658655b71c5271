/**
 * The authorization matrix, generated from the access table (api/access-policy.ts): every route ×
 * every role, in every relation to the case it can hold, plus tokens that must never pass. The
 * expected answer is worked out here from the raw table and each persona's declared department or
 * enterprise (not by the policy's own functions), and each answer is the server's, through HTTP,
 * on the real stack. A refused request is shown to change nothing.
 */
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { ACCESS, isRouteAction, type Relation, type RouteAction } from '../../api/access-policy.js';
import type { Actor, Role } from '../../common/types.js';
import { UNAUTHENTICATED_DETAIL } from '../../api/auth.js';
import { enqueueNotification } from '../../db/notifications.js';
import { samplePdf, uploadDocument } from '../support/documents.js';
import { applicant } from '../support/fixtures.js';
import { api, startStack, TEST_SECRET, tokenFor, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const OTHER_ENTERPRISE = '91110000600037341L';
/** Listed before the matrix runs, so that the one admitted DELETE has something to remove. */
const LISTED_TO_REMOVE = '9144030071526726XG';
const OPENING_DEPT = 'service-centre';
const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: OPENING_DEPT };
const auditorActor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };
const adminActor: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };

interface Persona {
  id: string;
  role: Role;
  actor: Actor;
}

const staff = (role: 'caseworker' | 'supervisor', dept: string): Persona => ({
  id: `${role} of ${dept}`,
  role,
  actor: { sub: `${role}-${dept}`, name: `${role} of ${dept}`, roles: [role], dept },
});
/** One persona per role and relation it can hold to the cases below. */
const PERSONAS: Persona[] = [
  { id: 'applicant of the enterprise', role: 'applicant', actor: { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: applicant.creditCode } },
  { id: 'applicant of another enterprise', role: 'applicant', actor: { sub: 'other-user', name: 'Li Na', roles: ['applicant'], org: OTHER_ENTERPRISE } },
  staff('caseworker', OPENING_DEPT),
  staff('caseworker', 'health'),
  staff('caseworker', 'ecology'),
  staff('caseworker', 'industry-it'),
  staff('caseworker', 'finance'),
  staff('supervisor', OPENING_DEPT),
  staff('supervisor', 'health'),
  staff('supervisor', 'finance'),
  { id: 'auditor', role: 'auditor', actor: auditorActor },
  { id: 'admin', role: 'admin', actor: adminActor },
];

/** What a persona is to a case, from its declared department or enterprise. */
interface CaseShape {
  creditCode: string;
  openingDept: string;
  taskDepts: string[];
  /** Department of the task a decision names. */
  decidedDept?: string;
}

function relationsTo(p: Persona, c: CaseShape | undefined): Relation[] {
  const out: Relation[] = ['any'];
  if (!c) return out;
  const { dept, org } = p.actor;
  if ((p.role === 'caseworker' || p.role === 'supervisor') && dept) {
    if (dept === c.openingDept) out.push('opening-dept');
    if (c.taskDepts.includes(dept)) out.push('task-dept');
    if (dept === c.decidedDept) out.push('the-task-dept');
  }
  if (p.role === 'applicant' && org === c.creditCode) out.push('own-enterprise');
  return out;
}

const admits = (key: RouteAction | 'property: applicant.contact' | 'property: comments', p: Persona, c: CaseShape | undefined): boolean | undefined => {
  const allowed = (ACCESS[key] as Partial<Record<Role, readonly Relation[]>>)[p.role];
  if (!allowed) return undefined;
  const held = relationsTo(p, c);
  return allowed.some((r) => held.includes(r));
};

/** The documented answer: allowed, 403 (role not admitted, or may read but not act), 404 (may not see the case). */
function expected(key: RouteAction, p: Persona, c: CaseShape | undefined): 'allowed' | 403 | 404 {
  const verdict = admits(key, p, c);
  if (verdict === undefined) return 403;
  if (verdict) return 'allowed';
  if (!c) return 403;
  return admits('GET /v1/cases/:caseId', p, c) ? 403 : 404;
}

// ---- the cases the routes act on ----------------------------------------------------------

const ONE_STOP_DEPTS = ['market-regulation', 'health', 'ecology'];
interface Fixture {
  caseId: string;
  shape: CaseShape;
  /** More cases a list must show or hide (another enterprise's). */
  others?: Fixture[];
}

async function openOneStop(forApplicant = applicant): Promise<Fixture> {
  const r = await call('POST', '/v1/cases', {
    as: opener,
    body: { templateId: 'mask-line-fast-track', applicant: forApplicant, details: { product: 'masks' } },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  opened.add(r.body.caseId);
  return { caseId: r.body.caseId, shape: { creditCode: forApplicant.creditCode, openingDept: OPENING_DEPT, taskDepts: ONE_STOP_DEPTS, decidedDept: 'health' } };
}

/** A case of the enterprise and one of another enterprise, for the lists. */
async function twoEnterprises(): Promise<Fixture> {
  const own = await openOneStop();
  const other = await openOneStop({ ...applicant, creditCode: OTHER_ENTERPRISE, name: 'Other Enterprise Ltd.' });
  // A comment on each, so that the lists show whom internal notes reach.
  for (const f of [own, other]) {
    const r = await call('POST', `/v1/cases/${f.caseId}/comments`, { as: auditorActor, body: { text: 'internal note' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  return { ...own, others: [other] };
}

async function awaitingSupplement(): Promise<Fixture> {
  const f = await openOneStop();
  const asked = await call('POST', `/v1/cases/${f.caseId}/tasks/ecology/decision`, {
    as: staff('caseworker', 'ecology').actor,
    body: { outcome: 'request-info', requestedDocuments: ['floor plan'] },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  return f;
}

/** A one-stop case whose health task the health caseworker holds. */
async function healthClaimed(): Promise<Fixture> {
  const f = await openOneStop();
  const claimed = await call('POST', `/v1/cases/${f.caseId}/tasks/health/claim`, { as: staff('caseworker', 'health').actor });
  expect(claimed.status, JSON.stringify(claimed.body)).toBe(200);
  return f;
}

const pledge = { signedBy: 'Zhang Wei', text: 'We pledge to file every certificate in time.' };
async function provisional(): Promise<Fixture> {
  const r = await call('POST', '/v1/cases', {
    as: opener,
    body: {
      templateId: 'produce-first-epidemic-supplies',
      applicant,
      details: { pledge, products: [{ name: 'protective suits' }], missing: ['production-licence'] },
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const permit = await call('POST', `/v1/cases/${r.body.caseId}/tasks/eligibility/decision`, {
    as: staff('caseworker', 'industry-it').actor,
    body: { outcome: 'approve' },
  });
  expect(permit.status, JSON.stringify(permit.body)).toBe(200);
  opened.add(r.body.caseId);
  return { caseId: r.body.caseId, shape: { creditCode: applicant.creditCode, openingDept: OPENING_DEPT, taskDepts: ['industry-it'] } };
}

/** A one-stop case with two notices in its outbox: one to the applicant, one to health's supervisor. */
let noticeId = '';
async function withNotices(): Promise<Fixture> {
  const f = await openOneStop();
  const recipients = { applicant: { dept: null, role: 'applicant' }, supervisor: { dept: 'health', role: 'supervisor' } } as const;
  for (const [to, recipient] of Object.entries(recipients)) {
    const at = new Date().toISOString();
    await enqueueNotification(stack.db.pool, {
      key: `${f.caseId}:matrix:${to}`,
      caseId: f.caseId,
      kind: 'escalation',
      taskId: null,
      action: null,
      level: null,
      recipient,
      at,
      message: to,
    });
  }
  noticeId = (await stack.db.pool.query(`SELECT min(id)::text AS id FROM notifications WHERE case_id = $1 AND key LIKE '%:matrix:%'`, [f.caseId])).rows[0].id;
  return f;
}

let documentDigest = '';
/**
 * A document whose bytes every persona that may upload has uploaded (stored once), so that each of
 * them may download it, as admins and auditors may (test/api/documents.test.ts covers who may not).
 */
async function withDocument(): Promise<Fixture> {
  const bytes = new Uint8Array(Buffer.from('%PDF-1.7\n% the authorization matrix\n'));
  for (const p of PERSONAS.filter((x) => ['applicant', 'caseworker', 'supervisor'].includes(x.role))) {
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'matrix.pdf');
    const r = await fetch(`${stack.baseUrl}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${await tokenFor(p.actor)}` }, body: form });
    expect(r.status).toBeLessThan(202);
    documentDigest = ((await r.json()) as { digest: string }).digest;
  }
  return openOneStop();
}

const FILED_LABEL = 'matrix-filed';
let filedDigest = '';
/** A one-stop case opened with a document (its opener's upload), for the routes that read a case's documents. */
async function withFiledDocument(): Promise<Fixture> {
  filedDigest = (await uploadDocument(stack.baseUrl, opener, FILED_LABEL)).digest;
  const r = await call('POST', '/v1/cases', {
    as: opener,
    body: { templateId: 'mask-line-fast-track', applicant, details: { product: 'masks' }, documents: [{ digest: filedDigest }] },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  opened.add(r.body.caseId);
  return { caseId: r.body.caseId, shape: { creditCode: applicant.creditCode, openingDept: OPENING_DEPT, taskDepts: ONE_STOP_DEPTS, decidedDept: 'health' } };
}

/** The last document an attempt uploaded: what the case must then record. */
let attemptUpload = { label: '', digest: '' };
/**
 * A document `p` may name in a filing, uploaded just before the attempt: its own upload, or, for
 * admins and auditors (who upload nothing but may name any document), the opener's. So a refusal is
 * the route's answer to `p`, never a 400 for the document.
 */
async function documentFor(p: Persona, what: string): Promise<{ digest: string }> {
  const label = `matrix-${what}-${p.actor.sub}`;
  const uploader = p.role === 'admin' || p.role === 'auditor' ? opener : p.actor;
  const document = await uploadDocument(stack.baseUrl, uploader, label);
  attemptUpload = { label, digest: document.digest };
  return document;
}
/** The document the last attempt uploaded, as a case's view records it. */
function expectAttemptUpload(recorded: any): void {
  expect(recorded).toEqual({ digest: attemptUpload.digest, name: `${attemptUpload.label}.pdf`, mediaType: 'application/pdf', size: expect.any(Number) });
  expect(recorded.size).toBeGreaterThan(0);
}

/** The case as an auditor reads it, without what moves on its own (clocks). */
async function snapshot(caseId: string): Promise<unknown> {
  const r = await call('GET', `/v1/cases/${caseId}`, { as: auditorActor });
  expect(r.status).toBe(200);
  return {
    status: r.body.status,
    tasks: r.body.tasks.map((t: any) => [t.taskId, t.status, t.outcome, t.assignee]),
    supplements: r.body.supplements.length,
    comments: r.body.comments.length,
    obligations: r.body.obligations,
  };
}

/** Every case this file opened: counting waits until they are all projected (a moment after each 201). */
const opened = new Set<string>();

async function countCases(): Promise<number> {
  const count = async () => (await stack.db.pool.query('SELECT count(*)::int AS n FROM cases')).rows[0].n as number;
  return waitFor(count, (n) => n >= opened.size);
}

// ---- the routes ---------------------------------------------------------------------------

interface Attempt {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RouteCase {
  key: RouteAction;
  /** The case the route acts on (shared by every refused attempt). */
  fixture?: () => Promise<Fixture>;
  /** A state-changing route gets a fresh case for each allowed attempt. */
  fresh?: boolean;
  attempt: (f: Fixture | undefined, p: Persona) => Attempt | Promise<Attempt>;
  /** The answer when allowed (and, optionally, what the body must show). */
  allowed: number;
  check?: (body: any, p: Persona, f: Fixture | undefined) => void;
}

const certificate = (document: { digest: string }) => ({
  qualification: 'production-licence',
  number: 'PL-1',
  issuer: 'Market regulation',
  issuedAt: '2020-03-01',
  document,
});
let keySmeSerial = 0;

const ROUTES: RouteCase[] = [
  { key: 'GET /v1/templates', attempt: () => ({ path: '/v1/templates' }), allowed: 200 },
  { key: 'GET /v1/reports/dashboard', attempt: () => ({ path: '/v1/reports/dashboard' }), allowed: 200 },
  {
    key: 'GET /v1/reports/sla',
    attempt: () => ({ path: '/v1/reports/sla' }),
    allowed: 200,
    // A supervisor's report is its own department's; an auditor's covers all (test/api/sla-report.test.ts has the figures).
    check: (body, p) => {
      expect(body.scope.dept).toBe(p.role === 'supervisor' ? p.actor.dept : null);
      if (p.role === 'supervisor') expect(body.departments.map((d: any) => d.dept)).toEqual([p.actor.dept]);
    },
  },
  { key: 'GET /v1/templates/:id', attempt: () => ({ path: '/v1/templates/mask-line-fast-track' }), allowed: 200 },
  { key: 'GET /v1/templates/:id/details-schema', attempt: () => ({ path: '/v1/templates/mask-line-fast-track/details-schema' }), allowed: 200 },
  { key: 'GET /v1/template-schemas', attempt: () => ({ path: '/v1/template-schemas' }), allowed: 200 },
  {
    key: 'POST /v1/templates',
    attempt: () => ({
      path: '/v1/templates',
      body: { id: 'matrix-template', title: 'Matrix', kind: 'one-stop-approval', sla: 'PT48H', departments: [{ dept: 'health', title: 'Hygiene' }] },
    }),
    allowed: 201,
  },
  { key: 'GET /v1/calendars', attempt: () => ({ path: '/v1/calendars' }), allowed: 200 },
  { key: 'GET /v1/calendars/:id', attempt: () => ({ path: '/v1/calendars/cn-mainland' }), allowed: 200 },
  {
    key: 'POST /v1/calendars',
    attempt: () => ({
      path: '/v1/calendars',
      body: { id: 'matrix-calendar', title: 'Matrix', timezone: 'Asia/Shanghai', covers: { from: '2026-01-01', until: '2026-12-31' }, source: 'the matrix' },
    }),
    allowed: 201,
  },
  { key: 'GET /v1/key-smes', attempt: () => ({ path: '/v1/key-smes' }), allowed: 200 },
  { key: 'GET /v1/key-smes/:creditCode', attempt: () => ({ path: `/v1/key-smes/${OTHER_ENTERPRISE}` }), allowed: 200 },
  { key: 'GET /v1/key-smes/:creditCode/history', attempt: () => ({ path: `/v1/key-smes/${OTHER_ENTERPRISE}/history` }), allowed: 200 },
  {
    key: 'PUT /v1/key-smes/:creditCode',
    attempt: () => ({ path: `/v1/key-smes/${OTHER_ENTERPRISE}`, body: { name: 'Other', reason: `matrix ${++keySmeSerial}` } }),
    allowed: 200,
  },
  { key: 'DELETE /v1/key-smes/:creditCode', attempt: () => ({ path: `/v1/key-smes/${LISTED_TO_REMOVE}` }), allowed: 204 },
  {
    key: 'POST /v1/key-smes/import',
    attempt: () => ({ path: '/v1/key-smes/import', body: [{ creditCode: OTHER_ENTERPRISE, name: 'Other', reason: 'imported' }] }),
    allowed: 200,
  },
  {
    key: 'POST /v1/cases',
    attempt: () => ({
      path: '/v1/cases',
      // Applicants open for the enterprise of their token; another enterprise's is refused.
      body: { templateId: 'mask-line-fast-track', applicant, details: {} },
    }),
    allowed: 201,
  },
  {
    key: 'GET /v1/cases',
    fixture: twoEnterprises,
    attempt: () => ({ path: '/v1/cases?limit=200' }),
    allowed: 200,
  },
  {
    key: 'GET /v1/cases/:caseId',
    fixture: openOneStop,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}` }),
    allowed: 200,
    check: (body, p, f) => {
      expect(body.caseId).toBe(f!.caseId);
      // Property level: the contact person only for the departments on the case and auditors.
      if (admits('property: applicant.contact', p, f!.shape)) expect(body.applicant.contact).toEqual(applicant.contact);
      else expect(body.applicant).not.toHaveProperty('contact');
    },
  },
  {
    key: 'GET /v1/cases/:caseId/documents/:kind.pdf',
    fixture: provisional,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/documents/provisional-permit.pdf` }),
    allowed: 200,
  },
  {
    key: 'GET /v1/cases/:caseId/documents',
    fixture: provisional,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/documents` }),
    allowed: 200,
    check: (body) =>
      expect(body).toEqual([{ kind: 'provisional-permit', number: expect.stringMatching(/^PFP-/), issuedAt: expect.any(String), state: 'valid' }]),
  },
  {
    key: 'GET /v1/cases/:caseId/files/:digest',
    fixture: withFiledDocument,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/files/${filedDigest}` }),
    allowed: 200,
    check: (body) => expect(body).toBe(samplePdf(FILED_LABEL).toString()),
  },
  {
    key: 'GET /v1/cases/:caseId/audit/documents',
    fixture: withFiledDocument,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/audit/documents` }),
    allowed: 200,
    check: (body, _p, f) =>
      expect(body).toMatchObject({ caseId: f!.caseId, intact: true, documents: [{ digest: filedDigest, filedIn: 'documents.0', stored: true, intact: true }] }),
  },
  {
    key: 'POST /v1/cases/:caseId/tasks/:taskId/decision',
    fixture: openOneStop,
    fresh: true,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/tasks/health/decision`, body: { outcome: 'approve' } }),
    allowed: 200,
    check: (body, p) => expect(body.tasks.find((t: any) => t.taskId === 'health')).toMatchObject({ outcome: 'approve', decidedBy: p.actor.sub }),
  },
  {
    key: 'POST /v1/cases/:caseId/supplements',
    fixture: awaitingSupplement,
    fresh: true,
    attempt: async (f, p) => ({ path: `/v1/cases/${f!.caseId}/supplements`, body: { documents: [await documentFor(p, 'plan')] } }),
    allowed: 200,
    check: (body, p) => {
      expect(body.supplements.at(-1)).toMatchObject({ by: p.actor.sub });
      expect(body.supplements.at(-1).documents).toHaveLength(1);
      expectAttemptUpload(body.supplements.at(-1).documents[0]);
    },
  },
  {
    key: 'POST /v1/cases/:caseId/certificates',
    fixture: provisional,
    fresh: true,
    attempt: async (f, p) => ({ path: `/v1/cases/${f!.caseId}/certificates`, body: certificate(await documentFor(p, 'licence')) }),
    allowed: 200,
    check: (body, p) => {
      expect(body.obligations[0].filings.at(-1)).toMatchObject({ filedBy: p.actor.sub });
      expectAttemptUpload(body.obligations[0].filings.at(-1).document);
    },
  },
  {
    key: 'POST /v1/cases/:caseId/withdraw',
    fixture: openOneStop,
    fresh: true,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/withdraw`, body: { reason: 'no longer needed' } }),
    allowed: 200,
    check: (body) => expect(body.status).toBe('withdrawn'),
  },
  { key: 'GET /v1/cases/:caseId/history', fixture: openOneStop, attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/history` }), allowed: 200 },
  { key: 'GET /v1/cases/:caseId/history/raw', fixture: openOneStop, attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/history/raw` }), allowed: 200 },
  // An open case is not archived yet: the auditor gets that answer, everyone else never learns it.
  { key: 'GET /v1/cases/:caseId/audit/verify', fixture: openOneStop, attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/audit/verify` }), allowed: 409 },
  { key: 'GET /v1/tasks', attempt: () => ({ path: '/v1/tasks' }), allowed: 200 },
  {
    key: 'POST /v1/cases/:caseId/tasks/:taskId/claim',
    fixture: openOneStop,
    fresh: true,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/tasks/health/claim` }),
    allowed: 200,
    check: (body, p) => expect(body.tasks.find((t: any) => t.taskId === 'health').assignee).toBe(p.actor.sub),
  },
  {
    key: 'POST /v1/cases/:caseId/tasks/:taskId/release',
    fixture: healthClaimed,
    fresh: true,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/tasks/health/release` }),
    allowed: 200,
    check: (body) => expect(body.tasks.find((t: any) => t.taskId === 'health').assignee).toBeNull(),
  },
  {
    key: 'POST /v1/cases/:caseId/tasks/:taskId/assign',
    fixture: openOneStop,
    fresh: true,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/tasks/health/assign`, body: { assignee: 'hu-min', assigneeName: 'Hu Min' } }),
    allowed: 200,
    check: (body) => expect(body.tasks.find((t: any) => t.taskId === 'health')).toMatchObject({ assignee: 'hu-min', assigneeName: 'Hu Min' }),
  },
  {
    key: 'POST /v1/cases/:caseId/comments',
    fixture: openOneStop,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/comments`, body: { text: 'checked the floor plan', taskId: 'health' } }),
    allowed: 201,
    check: (body, p) => expect(body.comments.at(-1)).toMatchObject({ by: p.actor.sub, text: 'checked the floor plan', taskId: 'health' }),
  },
  { key: 'GET /v1/audit/access', attempt: () => ({ path: '/v1/audit/access' }), allowed: 200 },
  // The matrix sends JSON: an admitted role gets as far as the body, refused by its kind (415).
  { key: 'POST /v1/documents', attempt: () => ({ path: '/v1/documents', body: {} }), allowed: 415 },
  { key: 'GET /v1/documents/:digest', fixture: withDocument, attempt: () => ({ path: `/v1/documents/${documentDigest}` }), allowed: 200 },
  { key: 'GET /v1/documents/:digest/verify', attempt: () => ({ path: `/v1/documents/${documentDigest}/verify` }), allowed: 200 },
  { key: 'POST /codec/decode', attempt: () => ({ path: '/codec/decode', body: { payloads: [] } }), allowed: 200 },
  { key: 'POST /codec/encode', attempt: () => ({ path: '/codec/encode', body: { payloads: [] } }), allowed: 200 },
  // The directory rows run in this order: the entry the admin creates is read, then removed.
  { key: 'GET /v1/directory', attempt: () => ({ path: '/v1/directory' }), allowed: 200 },
  { key: 'PUT /v1/directory/:dept', attempt: () => ({ path: '/v1/directory/matrix-desk', body: { email: 'desk@matrix.example' } }), allowed: 201 },
  { key: 'GET /v1/directory/:dept', attempt: () => ({ path: '/v1/directory/matrix-desk' }), allowed: 200 },
  { key: 'DELETE /v1/directory/:dept', attempt: () => ({ path: '/v1/directory/matrix-desk' }), allowed: 204 },
  { key: 'GET /v1/notifications', attempt: () => ({ path: '/v1/notifications' }), allowed: 200 },
  { key: 'POST /v1/notifications/:id/retry', fixture: withNotices, attempt: () => ({ path: `/v1/notifications/${noticeId}/retry` }), allowed: 200 },
  { key: 'GET /v1/incidents', attempt: () => ({ path: '/v1/incidents' }), allowed: 200 },
  // A healthy case has no incident to retry: the admin gets that answer, everyone else is refused before the case is asked.
  { key: 'POST /v1/incidents/:caseId/retry', fixture: openOneStop, attempt: (f) => ({ path: `/v1/incidents/${f!.caseId}/retry` }), allowed: 409 },
  {
    key: 'GET /v1/cases/:caseId/notifications',
    fixture: withNotices,
    attempt: (f) => ({ path: `/v1/cases/${f!.caseId}/notifications` }),
    allowed: 200,
    check: (body, p, f) => {
      // The applicant sees its own notices only; the address of the applicant as applicant.contact.
      // (The case's own notices, such as case-opened, may have landed too: only the two made here are counted.)
      const made = body.filter((n: any) => n.text === 'applicant' || n.text === 'supervisor');
      expect(made.map((n: any) => n.text)).toEqual(p.role === 'applicant' ? ['applicant'] : ['applicant', 'supervisor']);
      if (p.role === 'applicant') expect(body.every((n: any) => n.recipient.type === 'applicant')).toBe(true);
      if (admits('property: applicant.contact', p, f!.shape)) expect(made[0].recipient).toHaveProperty('address');
      else expect(made[0].recipient).not.toHaveProperty('address');
    },
  },
];

const methodOf = (key: RouteAction) => key.split(' ')[0] as string;
/** Routes that concern an enterprise rather than a case: the enterprise they name. */
const NAMED_ENTERPRISE: Partial<Record<RouteAction, string>> = { 'POST /v1/cases': applicant.creditCode, 'GET /v1/key-smes/:creditCode': OTHER_ENTERPRISE };

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
  // The key-SME reads need an entry to read.
  expect((await call('PUT', `/v1/key-smes/${OTHER_ENTERPRISE}`, { as: adminActor, body: { name: 'Other', reason: 'listed' } })).status).toBe(201);
  expect((await call('PUT', `/v1/key-smes/${LISTED_TO_REMOVE}`, { as: adminActor, body: { name: 'Shenzhen', reason: 'to remove' } })).status).toBe(201);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('the access table', () => {
  test('names every authenticated route the API serves, and the matrix below covers each', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    const served: string[] = [];
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        if (op.security?.length) served.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
      }
    }
    const tabled = Object.keys(ACCESS).filter(isRouteAction);
    expect(served.sort()).toEqual([...tabled].sort());
    expect(ROUTES.map((r) => r.key).sort()).toEqual([...tabled].sort());
  });
});

describe.each(ROUTES)('$key', (route) => {
  let shared: Fixture | undefined;
  beforeAll(async () => {
    shared = await route.fixture?.();
  });

  test.each(PERSONAS)('as $id', async (p) => {
    // For opening, the "case" is the one in the body, for a key-SME entry the enterprise in the path:
    // the persona's relation is to that enterprise.
    const named = NAMED_ENTERPRISE[route.key];
    const shape = named ? { creditCode: named, openingDept: '', taskDepts: [] } : shared?.shape;
    let want = expected(route.key, p, shape);
    if (named && want === 404) want = 403; // nothing to hide: no case exists
    // A list admits every listed role; what it shows depends on the relation (checked below).
    if (route.key === 'GET /v1/cases' && want === 404) want = 'allowed';
    const target = want === 'allowed' && route.fresh ? await route.fixture!() : shared;
    const before = want === 'allowed' ? undefined : target ? await snapshot(target.caseId) : await countCases();

    const a = await route.attempt(target, p);
    const r = await call(methodOf(route.key), a.path, { as: p.actor, body: a.body, headers: a.headers });

    if (want === 'allowed') {
      expect(r.status, JSON.stringify(r.body)).toBe(route.allowed);
      if (route.key === 'GET /v1/cases') {
        // Lists show exactly the cases their caller may read: an applicant its own enterprise's, never another's.
        for (const f of [shared!, ...(shared!.others ?? [])]) {
          const listed = r.body.items.some((c: any) => c.caseId === f.caseId);
          expect(listed, f.shape.creditCode).toBe(admits('GET /v1/cases', p, f.shape));
        }
        for (const c of r.body.items) {
          const shape = { creditCode: c.applicant.creditCode, openingDept: c.openedByDept, taskDepts: c.tasks.map((t: any) => t.dept) };
          expect(admits('GET /v1/cases/:caseId', p, shape)).toBe(true);
          // What each case shows follows the property rules, as on a single read.
          if (admits('property: applicant.contact', p, shape)) expect(c.applicant.contact).toEqual(applicant.contact);
          else expect(c.applicant).not.toHaveProperty('contact');
          if (!admits('property: comments', p, shape)) expect(c.comments).toEqual([]);
        }
      }
      if (route.key === 'POST /v1/cases') opened.add(r.body.caseId);
      route.check?.(r.body, p, target);
    } else {
      expect(r.status, JSON.stringify(r.body)).toBe(want);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      // A refusal never names other people.
      expect(r.body.detail).not.toMatch(/alice|acme-user|caseworker-|supervisor-/);
      expect(target ? await snapshot(target.caseId) : await countCases()).toEqual(before);
    }
  });
});

describe('tokens that never pass', () => {
  const secret = new TextEncoder().encode(TEST_SECRET);
  const claims = { name: 'Audrey', roles: ['auditor'] };
  const tokens: Record<string, () => Promise<string>> = {
    'no token': async () => '',
    'an expired token': () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('audrey')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(secret),
    'a token signed with another key': () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('audrey')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')),
    'an unsigned token (alg none)': async () => new UnsecuredJWT(claims).setSubject('audrey').setIssuedAt().setExpirationTime('1h').encode(),
    'a token without exp': () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('audrey').setIssuedAt().sign(secret),
    'a token without iat': () => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('audrey').setExpirationTime('1h').sign(secret),
  };
  let caseId = '';
  beforeAll(async () => {
    caseId = (await openOneStop()).caseId;
  });

  test.each(Object.keys(tokens))('%s: every route answers 401 with the same words', async (name) => {
    const token = await tokens[name]!();
    for (const key of Object.keys(ACCESS).filter(isRouteAction)) {
      const path = key
        .split(' ')[1]!
        .replace(':caseId', caseId)
        .replace(':taskId', 'health')
        .replace(':creditCode', OTHER_ENTERPRISE)
        .replace(':id', 'mask-line-fast-track');
      const r = await call(methodOf(key), path, { headers: token ? { authorization: `Bearer ${token}` } : {}, body: methodOf(key) === 'GET' ? undefined : {} });
      expect(r.status, `${key}: ${JSON.stringify(r.body)}`).toBe(401);
      expect(r.body.detail).toBe(UNAUTHENTICATED_DETAIL);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
  });
});
