/**
 * Documents filed with a case, on the real stack: an opening, a supplement and a certificate name
 * uploads by digest; the history records each one's digest, name, type and size; whoever may read
 * the case downloads them through it (in the access log) and nobody else; an unknown digest or
 * someone else's upload is a 400 that changes nothing; the auditor's check finds a tampered file.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { samplePdf, uploadDocument } from '../support/documents.js';
import { applicant, applicantActor, staff } from '../support/fixtures.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const otherEnterprise: Actor = { sub: 'other-user', name: 'Li Na', roles: ['applicant'], org: '91110000600037341L' };
const unrelatedDept = staff('transport');
const health = staff('health');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

const openBody = (documents: { digest: string }[]) => ({
  templateId: 'mask-line-fast-track',
  applicant,
  details: { product: 'medical masks', capacityPerDay: 200000 },
  documents,
});

/** A download through the case, as `as`: status and bytes (not JSON on success). */
async function download(caseId: string, digest: string, as: Actor): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${stack.baseUrl}/v1/cases/${caseId}/files/${digest}`, { headers: { authorization: `Bearer ${await tokenFor(as)}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

const caseCount = async () => (await stack.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]!.n;

describe('a case with documents, from opening to supplement', () => {
  const plan = samplePdf('business licence');
  let caseId = '';
  let licence = '';
  let floorPlan = '';

  test('an opening names its uploads; the view and the timeline record what the store says of each', async () => {
    licence = (await uploadDocument(stack.baseUrl, applicantActor, 'business licence', plan)).digest;
    expect(licence).toBe(sha256(plan));
    const r = await call('POST', '/v1/cases', { as: applicantActor, body: openBody([{ digest: licence }]) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    caseId = r.body.caseId;
    expect(r.body.documents).toEqual([{ digest: licence, name: 'business licence.pdf', mediaType: 'application/pdf', size: plan.length }]);
    const timeline = (await call('GET', `/v1/cases/${caseId}/history`, { as: auditor })).body as any[];
    expect(timeline[0].type).toBe('case-opened');
    expect(timeline[0].details.documents).toEqual([{ digest: licence, name: 'business licence.pdf', mediaType: 'application/pdf', size: plan.length }]);
  });

  test('an unknown digest, a malformed one, or another enterprise’s upload is a 400 at its field, and opens nothing', async () => {
    const others = (await uploadDocument(stack.baseUrl, otherEnterprise, 'not yours')).digest;
    const before = await caseCount();
    for (const [digest, what] of [
      ['0'.repeat(64), 'never uploaded'],
      [others, "another enterprise's upload"],
      ['NOT-A-DIGEST', 'not a digest'],
    ] as const) {
      const r = await call('POST', '/v1/cases', { as: applicantActor, body: openBody([{ digest: licence }, { digest }]) });
      expect(r.status, what).toBe(400);
      expect(
        r.body.errors.map((e: any) => e.path),
        what,
      ).toEqual(['body.documents.1.digest']);
    }
    expect(await caseCount()).toBe(before);
  });

  test('a supplement names its upload; the department downloads it byte for byte', async () => {
    const asked = await call('POST', `/v1/cases/${caseId}/tasks/health/decision`, {
      as: health,
      body: { outcome: 'request-info', requestedDocuments: ['floor plan'] },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);

    // A digest the applicant never uploaded: refused at its field, and the case still waits.
    const unknown = await call('POST', `/v1/cases/${caseId}/supplements`, { as: applicantActor, body: { documents: [{ digest: 'f'.repeat(64) }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('body.documents.0.digest');
    expect((await call('GET', `/v1/cases/${caseId}`, { as: applicantActor })).body.status).toBe('awaiting-supplement');

    const bytes = samplePdf('floor plan v2');
    floorPlan = (await uploadDocument(stack.baseUrl, applicantActor, 'floor plan v2', bytes)).digest;
    const filed = await call('POST', `/v1/cases/${caseId}/supplements`, { as: applicantActor, body: { documents: [{ digest: floorPlan }], note: 'attached' } });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    expect(filed.body.supplements[0].documents).toEqual([{ digest: floorPlan, name: 'floor plan v2.pdf', mediaType: 'application/pdf', size: bytes.length }]);

    const d = await download(caseId, floorPlan, health);
    expect(d.status).toBe(200);
    expect(d.bytes.equals(bytes)).toBe(true);
    expect(d.headers.get('content-type')).toBe('application/pdf');
    expect(d.headers.get('content-disposition')).toMatch(/^attachment;/);
    // The applicant reads its own case's documents too, the opening's included.
    expect((await download(caseId, licence, applicantActor)).bytes.equals(plan)).toBe(true);
  });

  test('nobody who may not read the case downloads its documents; a digest the case does not name is 404 even for its readers', async () => {
    expect((await download(caseId, floorPlan, otherEnterprise)).status).toBe(404);
    expect((await download(caseId, floorPlan, unrelatedDept)).status).toBe(404);
    const stray = (await uploadDocument(stack.baseUrl, health, 'stray')).digest;
    expect((await download(caseId, stray, health)).status).toBe(404);
    // A malformed digest is the caller's mistake, not an unknown document.
    expect((await call('GET', `/v1/cases/${caseId}/files/not-a-digest`, { as: health })).status).toBe(400);
  });

  test('every download through the case is in the access log, naming the case and the document', async () => {
    const { rows } = await stack.db.pool.query<{ actor_sub: string; document_digest: string }>(
      `SELECT actor_sub, document_digest FROM case_access_log WHERE action = 'document-download' AND case_id = $1 ORDER BY id`,
      [caseId],
    );
    expect(rows).toEqual([
      { actor_sub: health.sub, document_digest: floorPlan },
      { actor_sub: applicantActor.sub, document_digest: licence },
    ]);
  });

  test("the auditor's check: intact, then the tampered file found by its digest", async () => {
    const ok = await call('GET', `/v1/cases/${caseId}/audit/documents`, { as: auditor });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.intact).toBe(true);
    expect(ok.body.documents.map((d: any) => [d.filedIn, d.digest, d.intact])).toEqual([
      ['documents.0', licence, true],
      ['supplements.0.documents.0', floorPlan, true],
    ]);
    expect((await call('GET', `/v1/cases/${caseId}/audit/documents`, { as: health })).status).toBe(403);

    await stack.db.pool.query(
      `UPDATE document_chunks SET data = set_byte(data, 3, get_byte(data, 3) # 255)
       WHERE content_id = (SELECT content_id FROM documents WHERE digest = $1) AND seq = 0`,
      [floorPlan],
    );
    const tampered = await call('GET', `/v1/cases/${caseId}/audit/documents`, { as: auditor });
    expect(tampered.body.intact).toBe(false);
    expect(tampered.body.documents.find((d: any) => d.digest === floorPlan)).toMatchObject({ stored: true, intact: false });
    expect(tampered.body.documents.find((d: any) => d.digest === licence)).toMatchObject({ stored: true, intact: true });
  });

  test('a document a case names is attached, so the sweep of unattached uploads never removes it', async () => {
    const { rows } = await stack.db.pool.query<{ digest: string }>('SELECT digest FROM document_refs WHERE case_id = $1 ORDER BY attached_at', [caseId]);
    expect(rows.map((r) => r.digest)).toEqual([licence, floorPlan]);
  });

  test('the decision documents the case issued are listed with their state, none before the decision', async () => {
    expect((await call('GET', `/v1/cases/${caseId}/documents`, { as: applicantActor })).body).toEqual([]);
    for (const dept of ['market-regulation', 'health', 'ecology']) {
      const r = await call('POST', `/v1/cases/${caseId}/tasks/${dept}/decision`, { as: staff(dept), body: { outcome: 'approve' } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const decided = await call('GET', `/v1/cases/${caseId}`, { as: applicantActor });
    expect(decided.body.status).toBe('approved');
    const listed = await call('GET', `/v1/cases/${caseId}/documents`, { as: applicantActor });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([{ kind: 'decision', number: decided.body.decision.number, issuedAt: expect.any(String), state: 'valid' }]);
    expect((await call('GET', `/v1/cases/${caseId}/documents`, { as: otherEnterprise })).status).toBe(404);
  });
});
