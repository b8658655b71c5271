/**
 * Decision documents on the real stack: the PDF of an approval (its text through pdftotext, its QR
 * code through pdftoppm and zbarimg), the public verification page it points to, a produce-first
 * permit's state as it changes (valid, suspended, revoked; superseded by the licence), what a wrong
 * code or an unknown number answers, who may download a document, a claim's notices and the page's rate limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { verifyCode } from '../../api/verify-code.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, applicantActor, opener, staff } from '../support/fixtures.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const VERIFY_SECRET = 'verify-secret-of-the-decision-documents-test';
const VERIFY_LIMIT = 5;
const MASK_DEPTS = ['market-regulation', 'health', 'ecology'];
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const otherApplicant: Actor = { ...applicantActor, sub: 'other-user', org: '91110000600037341L' };

let stack: Stack;
let call: ReturnType<typeof api>;
let dir: string;

beforeAll(async () => {
  // Behind a trusted (loopback) proxy, X-Forwarded-For names the client: every check below comes
  // from an address of its own, so that only the rate-limit test spends one address's few requests.
  stack = await startStack(inject('databaseUrl'), { VERIFY_SECRET, RATE_LIMIT_VERIFY_PER_MINUTE: String(VERIFY_LIMIT), TRUST_PROXY: 'loopback' });
  call = api(stack.baseUrl);
  dir = mkdtempSync(join(tmpdir(), 'decision-documents-'));
});
afterAll(async () => {
  await stack?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let address = 0;
const freshAddress = () => `198.51.100.${++address}`;

/** The verification answer for a link (absolute, as the QR code carries it): JSON, or the HTML page. */
const verify = (link: string, as: 'json' | 'html' = 'json', from = freshAddress()) =>
  call('GET', new URL(link).pathname, { headers: { accept: as === 'json' ? 'application/json' : 'text/html', 'x-forwarded-for': from } });

async function downloadPdf(caseId: string, kind: string, as: Actor): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${stack.baseUrl}/v1/cases/${caseId}/documents/${kind}.pdf`, { headers: { authorization: `Bearer ${await tokenFor(as)}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** The PDF's text (pdftotext) and what its QR code decodes to (the page at 150 dpi through zbarimg). */
function readPdf(bytes: Buffer, name: string): { text: string; qr: string } {
  const pdf = join(dir, `${name}.pdf`);
  writeFileSync(pdf, bytes);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', pdf, join(dir, name)]);
  // zbarimg complains on stderr that it finds no D-Bus here: only its stdout is read.
  const qr = execFileSync('zbarimg', ['-q', '--raw', join(dir, `${name}.png`)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  return { text, qr };
}

const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown> = { outcome: 'approve' }) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body });

async function open(templateId: string, details: Record<string, unknown> = {}) {
  const r = await call('POST', '/v1/cases', { as: opener, body: { templateId, applicant, details } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function approvedOneStop() {
  const opened = await open('mask-line-fast-track');
  for (const dept of MASK_DEPTS) expect((await decide(opened.caseId, dept, staff(dept))).status).toBe(200);
  const c = (await call('GET', `/v1/cases/${opened.caseId}`, { as: auditor })).body;
  expect(c.status).toBe('approved');
  return c;
}

describe('a one-stop approval decision', () => {
  let approved: any;
  let link: string;

  beforeAll(async () => {
    approved = await approvedOneStop();
  });

  test('the PDF holds the number, the enterprise and Chinese text; its QR code carries the verification link', async () => {
    const pdf = await downloadPdf(approved.caseId, 'decision', applicantActor);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="decision-${approved.decision.number}.pdf"`);
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, qr } = readPdf(pdf.bytes, 'decision');
    expect(text).toContain(approved.decision.number);
    expect(text).toContain(applicant.name);
    expect(text).toContain(applicant.creditCode);
    expect(text).toContain('一站式审批决定书');
    expect(text).toContain('One-stop approval decision');
    for (const t of approved.tasks) expect(text).toContain(t.title);
    const code = verifyCode(VERIFY_SECRET, 'decision', approved.decision.number);
    expect(qr).toBe(`${stack.baseUrl}/verify/decision/${approved.decision.number}/${code}`);
    expect(text).toContain(qr);
    link = qr;
  });

  test('the link verifies as valid, with nothing personal, as JSON and as a bilingual page', async () => {
    const json = await verify(link);
    expect(json.status).toBe(200);
    expect(json.body).toEqual({
      kind: 'decision',
      kindTitle: { zh: '一站式审批决定书', en: 'One-stop approval decision' },
      number: approved.decision.number,
      enterprise: { name: applicant.name },
      issuedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      state: 'valid',
      stateTitle: { zh: '有效', en: 'Valid' },
    });
    const page = await verify(link, 'html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const shown of [approved.decision.number, '有效', 'Valid', '一站式审批决定书', json.body.issuedOn]) expect(page.body).toContain(shown);
    expect(page.body).toContain(applicant.name.replace(/&/g, '&#38;'));
    expect(page.body).not.toMatch(/<script/i);
    for (const answer of [JSON.stringify(json.body), page.body]) {
      for (const personal of [applicant.contact.name, applicant.contact.phone, applicant.contact.email, approved.caseId, opener.name]) {
        expect(answer).not.toContain(personal);
      }
    }
  });

  test('a wrong code and an unknown number answer the same 404', async () => {
    const number = approved.decision.number;
    const wrongCode = link.replace(/[^/]+$/, 'aaaaaaaaaaaaaaaa');
    const unknown = `${stack.baseUrl}/verify/decision/OSA-1999-999999/${verifyCode(VERIFY_SECRET, 'decision', 'OSA-1999-999999')}`;
    const wrongKind = `${stack.baseUrl}/verify/licence/${number}/${verifyCode(VERIFY_SECRET, 'licence', number)}`;
    const pages = await Promise.all([wrongCode, unknown, wrongKind].map((l) => verify(l, 'html')));
    for (const p of pages) expect(p.status).toBe(404);
    expect(new Set(pages.map((p) => p.body)).size).toBe(1);
    expect(pages[0]?.body).not.toContain(number);
    const problems = await Promise.all([wrongCode, unknown, wrongKind].map((l) => verify(l, 'json')));
    for (const p of problems) {
      expect(p.status).toBe(404);
      expect(p.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect(new Set(problems.map(({ body: { instance: _url, ...rest } }) => JSON.stringify(rest))).size).toBe(1);
  });

  test('who may download: the enterprise, the departments on the case, auditors; 404 for another enterprise and for no such document', async () => {
    for (const as of [applicantActor, staff('health'), auditor]) expect((await downloadPdf(approved.caseId, 'decision', as)).status).toBe(200);
    const stranger = await call('GET', `/v1/cases/${approved.caseId}/documents/decision.pdf`, { as: otherApplicant });
    expect(stranger.status).toBe(404);
    expect(stranger.body).toMatchObject({ status: 404, detail: `no case ${approved.caseId}` });
    const noPermit = await call('GET', `/v1/cases/${approved.caseId}/documents/provisional-permit.pdf`, { as: applicantActor });
    expect(noPermit.status).toBe(404);
    const inReview = await open('mask-line-fast-track');
    expect((await call('GET', `/v1/cases/${inReview.caseId}/documents/decision.pdf`, { as: applicantActor })).status).toBe(404);
    const badKind = await call('GET', `/v1/cases/${approved.caseId}/documents/receipt.pdf`, { as: applicantActor });
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors.map((e: any) => e.path)).toEqual(['path.kind']);
    expect((await call('GET', `/v1/cases/${approved.caseId}/documents/decision.pdf`, {})).status).toBe(401);
  });
});

describe('a provisional permit, as its case goes on (a template in seconds)', () => {
  const quick = {
    id: 'produce-first-documents-quick',
    title: 'Produce first, certify later (seconds)',
    kind: 'produce-first-certify-later',
    eligibility: { dept: 'industry-it', sla: 'PT1H' },
    obligations: [
      { qualification: 'hygiene-certificate', dept: 'health', title: 'Hygiene certificate', due: 'PT3S' },
      { qualification: 'fire-inspection', dept: 'fire-safety', title: 'Fire inspection', due: 'PT1H' },
    ],
    reminders: ['PT1S'],
    grace: 'PT2S',
    revokeAfter: 'PT8S',
  };
  const details = {
    pledge: { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to obtain every missing qualification in time.' },
    products: [{ name: 'masks' }],
  };

  async function permitLink(caseId: string): Promise<{ link: string; text: string }> {
    const pdf = await downloadPdf(caseId, 'provisional-permit', applicantActor);
    expect(pdf.status).toBe(200);
    const { text, qr } = readPdf(pdf.bytes, `permit-${caseId}`);
    return { link: qr, text };
  }
  const stateOf = async (link: string) => (await verify(link)).body.state as string;

  test('valid, then suspended, then revoked; a certified case’s permit is superseded and its licence valid', async () => {
    expect((await call('POST', '/v1/templates', { as: admin, body: quick })).status).toBe(201);
    const revokedCase = await open(quick.id, { ...details, missing: ['hygiene-certificate'] });
    const certifiedCase = await open(quick.id, { ...details, missing: ['fire-inspection'] });
    for (const c of [revokedCase, certifiedCase]) expect((await decide(c.caseId, 'eligibility', staff('industry-it'))).status).toBe(200);

    // The certified one: its only obligation (due in an hour) is filed and verified at once.
    const permit = await permitLink(certifiedCase.caseId);
    expect(await stateOf(permit.link)).toBe('valid');
    const document = await uploadDocument(stack.baseUrl, applicantActor, 'fire-inspection');
    const filed = await call('POST', `/v1/cases/${certifiedCase.caseId}/certificates`, {
      as: applicantActor,
      body: { qualification: 'fire-inspection', number: 'CERT-FIRE-1', issuer: 'Fire Brigade', issuedAt: '2020-03-01T08:00:00Z', document },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    const certified = await decide(certifiedCase.caseId, 'verify:fire-inspection', staff('fire-safety'));
    expect(certified.body.status).toBe('certified');
    await waitFor(
      () => stateOf(permit.link),
      (s) => s === 'superseded',
    );
    const licence = await downloadPdf(certifiedCase.caseId, 'licence', applicantActor);
    expect(licence.status).toBe(200);
    const lic = readPdf(licence.bytes, 'licence');
    expect(lic.text).toContain(certified.body.decision.number);
    expect(lic.text).toContain('CERT-FIRE-1');
    expect((await verify(lic.qr)).body).toMatchObject({ kind: 'licence', number: certified.body.decision.number, state: 'valid' });
    // The case lists both, each in its state now.
    const issued = await call('GET', `/v1/cases/${certifiedCase.caseId}/documents`, { as: applicantActor });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body).toEqual([
      { kind: 'provisional-permit', number: expect.stringMatching(/^PFP-/), issuedAt: expect.any(String), state: 'superseded' },
      { kind: 'licence', number: certified.body.decision.number, issuedAt: expect.any(String), state: 'valid' },
    ]);

    // The revoked one: the PDF names the permit's obligation; the same link follows the case.
    const { link, text } = await permitLink(revokedCase.caseId);
    const number = (await call('GET', `/v1/cases/${revokedCase.caseId}`, { as: auditor })).body.permit.number;
    expect(number).toMatch(/^PFP-\d{4}-\d{6}$/);
    expect(text).toContain(number);
    expect(text).toContain('临时生产许可证');
    expect(text).toContain('Hygiene certificate');
    expect(await stateOf(link)).toBe('valid');
    // Polled by the case (no rate limit spent); the page reads the projection, a moment behind.
    await waitFor(
      async () => (await call('GET', `/v1/cases/${revokedCase.caseId}`, { as: auditor })).body.status,
      (s) => s === 'suspended',
      20_000,
    );
    expect(
      await waitFor(
        () => stateOf(link),
        (s) => s !== 'valid',
      ),
    ).toBe('suspended');
    const page = await verify(link, 'html');
    expect(page.body).toContain('已暂停');
    expect(page.body).toContain('Suspended');
    await waitFor(
      async () => (await call('GET', `/v1/cases/${revokedCase.caseId}`, { as: auditor })).body.status,
      (s) => s === 'revoked',
      30_000,
    );
    expect(
      await waitFor(
        () => stateOf(link),
        (s) => s !== 'suspended',
      ),
    ).toBe('revoked');
  });
});

describe("a claim's prepayment and settlement notices", () => {
  test('the amounts in yuan with two decimals, each notice verifying as valid', async () => {
    const cny = (amount: number) => ({ amount, currency: 'CNY' });
    const claim = await open('liability-claim-fast-channel', {
      policyNumber: 'PL-2020-000123',
      claimedAmount: cny(50_000_000),
      loss: { description: 'production halted by the quarantine order', occurredAt: '2020-02-01T00:00:00Z' },
    });
    expect((await decide(claim.caseId, 'acknowledge', staff('claims-desk'))).status).toBe(200);
    expect((await call('GET', `/v1/cases/${claim.caseId}/documents/prepayment-notice.pdf`, { as: applicantActor })).status).toBe(404);
    const prepaid = await decide(claim.caseId, 'prepayment', staff('claims-adjusting'), { outcome: 'approve', amount: cny(1_000_050) });
    expect(prepaid.body.status, JSON.stringify(prepaid.body)).toBe('prepaid');
    const notice = readPdf((await downloadPdf(claim.caseId, 'prepayment-notice', applicantActor)).bytes, 'prepayment');
    expect(notice.text).toContain('预付款通知书');
    expect(notice.text).toContain('10000.50 CNY');
    expect((await verify(notice.qr)).body).toMatchObject({ kind: 'prepayment-notice', number: prepaid.body.payments[0].paymentId, state: 'valid' });

    const settled = await decide(claim.caseId, 'assessment', staff('claims-adjusting'), { outcome: 'approve', amount: cny(3_000_000) });
    expect(settled.body.status, JSON.stringify(settled.body)).toBe('settled');
    const settlement = readPdf((await downloadPdf(claim.caseId, 'settlement-notice', applicantActor)).bytes, 'settlement');
    for (const amount of ['30000.00 CNY', '10000.50 CNY', '19999.50 CNY']) expect(settlement.text).toContain(amount);
    expect((await verify(settlement.qr)).body).toMatchObject({ kind: 'settlement-notice', state: 'valid' });
    expect((await verify(notice.qr)).body.state).toBe('valid');
  });
});

describe('the rate limit of the verification page', () => {
  test(`429 past ${VERIFY_LIMIT} checks a minute from one address`, async () => {
    const approved = await approvedOneStop();
    const { qr } = readPdf((await downloadPdf(approved.caseId, 'decision', applicantActor)).bytes, 'limited');
    const from = '203.0.113.9';
    const answers: number[] = [];
    for (let i = 0; i <= VERIFY_LIMIT; i++) answers.push((await verify(qr, 'json', from)).status);
    expect(answers).toEqual([...Array<number>(VERIFY_LIMIT).fill(200), 429]);
    const limited = await verify(qr, 'html', from);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another address is not held back by this one's limit.
    expect((await verify(qr)).status).toBe(200);
  });
});
