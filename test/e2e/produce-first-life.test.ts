/**
 * Produce first, certify later: a case's whole life in the browser, each step by the person whose
 * step it is, on a copy of the built-in template whose one obligation falls due in seconds. The
 * eligibility officer issues the provisional permit (its PDF downloads); the enterprise files a
 * certificate with its scan chosen as a file (none chosen, nothing is filed; a blank field is refused
 * at that field, the input and the file kept; a double submit files once; the filed scan downloads
 * through the case as uploaded); a market-regulation caseworker files one on the enterprise's
 * behalf and cannot verify it (four eyes), a colleague verifies; the short obligation goes overdue
 * past its grace and the permit is suspended; its certificate filed and verified reinstates the
 * permit; the last verification certifies the case.
 * Every outcome is checked through the API; every stage is photographed in English and Chinese
 * (test-artifacts/web/40-*.png), each checked by axe-core.
 */
import { readFileSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { filedDocument, samplePdf } from '../support/documents.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;
let auditor: string;

beforeAll(async () => {
  b = await startBrowser();
  auditor = await b.token({ sub: 'audrey', name: 'Audrey Wang', roles: ['auditor'] });
});
afterAll(async () => {
  await b?.close();
});

const PL = 'production-licence';
const MDR = 'medical-device-registration';
const PIR = 'product-inspection-report';

/** The built-in template with periods in seconds and minutes: only MDR falls due during the test. */
function quickTemplate(): Record<string, unknown> {
  const builtin = JSON.parse(readFileSync('processes/produce-first/builtin/produce-first-epidemic-supplies.json', 'utf8')) as {
    obligations: { qualification: string; due: string }[];
  };
  return {
    ...builtin,
    id: 'produce-first-life',
    eligibility: { dept: 'industry-it', title: 'Eligibility to produce on a pledge', sla: 'PT1H' },
    obligations: builtin.obligations.map((o) => ({ ...o, due: o.qualification === MDR ? 'PT45S' : 'PT1H' })),
    reminders: ['PT20S'],
    grace: 'PT5S',
    revokeAfter: 'PT1H',
  };
}

// The market-regulation counter opens the case, so its caseworkers may file for the enterprise.
const counter = { sub: 'mr-counter', name: 'Qian Li', roles: ['caseworker'], dept: 'market-regulation' };
const zhao: Person = { user: 'it-zhao', name: 'Zhao Gang', roles: 'caseworker', department: 'industry-it' };
const zhang: Person = { user: 'zhang', name: 'Zhang Wei', roles: 'applicant', organisation: applicant.creditCode };
const ma: Person = { user: 'mr-ma', name: 'Ma Jun', roles: 'caseworker', department: 'market-regulation' };
const mei: Person = { user: 'mr-mei', name: 'Mei Lin', roles: 'caseworker', department: 'market-regulation' };
const du: Person = { user: 'da-du', name: 'Du Hua', roles: 'caseworker', department: 'drug-administration' };

const getCase = async (caseId: string) => (await b.api('GET', `/v1/cases/${caseId}`, auditor)).body;
const ob = (c: any, q: string) => c.obligations.find((o: any) => o.qualification === q);
const panel = () => b.page.locator('[data-panel="produce-first"]');
const permitState = () => b.page.locator('[data-panel="permit"]').getAttribute('data-permit-state');
const row = (q: string) => b.page.locator(`table.obligations tr[data-qualification="${q}"]`);
const taskCard = (taskId: string) => b.page.locator(`li.task[data-task="${taskId}"]`);
const form = (q: string) => b.page.locator(`form.certificate-form[data-qualification="${q}"]`);

/** The case page as it stands, in English and in Chinese. */
async function shots(name: string) {
  await b.shot(`${name}-en`);
  await b.setLanguage('zh-CN');
  expect(await b.page.locator('[data-panel="obligations"] h2').textContent()).toBe('待补办证书');
  await b.shot(`${name}-zh`);
  await b.setLanguage('en');
}

const SCAN = 'The certificate (scan or PDF)';
/** The file input of a form's document picker (its list of chosen files bears the same label). */
const fileInput = (scope: Locator, label: string) => scope.getByLabel(label, { exact: true }).and(scope.locator('input[type="file"]'));

/** Chooses `<file>.pdf` (samplePdf(file)) in a document picker and waits until it is uploaded and listed. */
async function chooseFile(scope: Locator, label: string, file: string) {
  await fileInput(scope, label).setInputFiles({ name: `${file}.pdf`, mimeType: 'application/pdf', buffer: samplePdf(file) });
  await expect.poll(() => scope.getByRole('list', { name: label, exact: true }).textContent()).toContain(`${file}.pdf`);
}

/** Opens the filing form of `q` and types a certificate into it; `file` (the scan, samplePdf(file) as `<file>.pdf`) is chosen and uploaded. */
async function typeCertificate(q: string, title: string, c: { number: string; issuer: string; issuedOn: string; file?: string }) {
  await b.page.getByRole('button', { name: `File a certificate: ${title}`, exact: true }).click();
  const f = form(q);
  await f.getByLabel('Number', { exact: true }).fill(c.number);
  await f.getByLabel('Issuer', { exact: true }).fill(c.issuer);
  await f.getByLabel('Issued on', { exact: true }).fill(c.issuedOn);
  if (c.file) await chooseFile(f, SCAN, c.file);
}

/** Clicks the download button named `name` in `scope`: the file's name and bytes. */
async function download(scope: Locator, name: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([b.page.waitForEvent('download'), scope.getByRole('button', { name, exact: true }).click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

async function approve(taskId: string) {
  await taskCard(taskId).getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => taskCard(taskId).locator('.badge.status-decided').count()).toBe(1);
}

test('a produce-first case from the pledge to certification, suspended and reinstated on the way', async () => {
  const admin = await b.token({ sub: 'root', name: 'Admin', roles: ['admin'] });
  const deployed = await b.api('POST', '/v1/templates', admin, quickTemplate());
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  const pledge = { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to obtain every missing qualification within the periods set.' };
  const counterToken = await b.token(counter);
  const opened = await b.api('POST', '/v1/cases', counterToken, {
    templateId: 'produce-first-life',
    applicant,
    details: { pledge, products: [{ name: 'medical protective suits' }] },
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const caseId = opened.body.caseId as string;
  const page = `/cases/${caseId}`;

  // In review: the pledge, no permit yet, the obligations with their periods.
  await b.signIn(page, zhao);
  await expect.poll(() => permitState()).toBe('none');
  expect(await b.page.locator('[data-panel="pledge"]').textContent()).toContain(pledge.text);
  expect(await row(MDR).textContent()).toContain('PT45S after the permit');
  await shots('40-01-in-review');

  // Eligibility approved by industry-it: the provisional permit, with its number.
  await approve('eligibility');
  await expect.poll(() => permitState()).toBe('provisional');
  const provisional = await getCase(caseId);
  expect(provisional.status).toBe('provisional');
  expect(provisional.permit.number).toMatch(/^PFP-\d{4}-\d{6}$/);
  expect(await b.page.getByTestId('permit-number').textContent()).toBe(provisional.permit.number);
  expect(provisional.obligations.map((o: any) => o.status)).toEqual(['pending', 'pending', 'pending']);
  // The permit is a decision document of the case: listed with its number, its PDF a download.
  const issued = b.page.locator('section.card', { has: b.page.getByRole('heading', { name: 'Decision documents', exact: true }) });
  await expect.poll(() => issued.textContent()).toContain(provisional.permit.number);
  const permitPdf = await download(issued, 'Download Provisional production permit (PDF)');
  expect(permitPdf.name).toBe(`provisional-permit-${provisional.permit.number}.pdf`);
  expect(permitPdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  await shots('40-02-provisional');

  // The enterprise files its production licence. Without the certificate's file nothing is filed.
  await b.signIn(page, zhang);
  await typeCertificate(PL, 'Production licence', { number: 'SC-2026-0042', issuer: '   ', issuedOn: '2026-03-02' });
  await form(PL).getByRole('button', { name: 'File certificate', exact: true }).click();
  const scan = fileInput(form(PL), SCAN);
  // The form says at the file's field what is missing (in the page's language, not the browser's).
  await expect.poll(() => scan.getAttribute('aria-invalid')).toBe('true');
  expect(await form(PL).locator('.field-error').textContent()).toContain('Choose the certificate’s file first');
  expect(ob(await getCase(caseId), PL).filings).toEqual([]);
  // With the file, a blank issuer is refused at that field, nothing typed or chosen is lost.
  await chooseFile(form(PL), SCAN, 'licence-0042');
  await form(PL).getByRole('button', { name: 'File certificate', exact: true }).click();
  const issuer = form(PL).getByLabel('Issuer', { exact: true });
  await expect.poll(() => issuer.getAttribute('aria-invalid')).toBe('true');
  expect(await form(PL).locator('.field-error').textContent()).toContain('must not be empty or blank');
  expect(await form(PL).getByLabel('Number', { exact: true }).inputValue()).toBe('SC-2026-0042');
  expect(await form(PL).getByRole('list', { name: SCAN, exact: true }).textContent()).toContain('licence-0042.pdf');
  expect(ob(await getCase(caseId), PL).filings).toEqual([]);
  await shots('40-03-certificate-refused');
  // Corrected and sent twice at once: one Idempotency-Key, one filing.
  await issuer.fill('Fujian Provincial Market Regulation Administration');
  await form(PL).getByRole('button', { name: 'File certificate', exact: true }).dblclick();
  await expect.poll(() => row(PL).getAttribute('data-status')).toBe('submitted');
  const filed = await getCase(caseId);
  expect(ob(filed, PL).filings).toEqual([
    expect.objectContaining({ number: 'SC-2026-0042', issuedAt: '2026-03-02', document: filedDocument('licence-0042'), filedBy: 'zhang', outcome: 'pending' }),
  ]);
  expect(ob(filed, PL).filings[0].document.digest).toMatch(/^[0-9a-f]{64}$/);
  // The filed scan shows in the obligations table by its name, and downloads through the case as uploaded.
  const licenceScan = await download(row(PL), 'licence-0042.pdf');
  expect(licenceScan.name).toBe('licence-0042.pdf');
  expect(licenceScan.bytes.equals(samplePdf('licence-0042'))).toBe(true);
  expect(filed.tasks.find((t: any) => t.taskId === `verify:${PL}`)).toMatchObject({ dept: 'market-regulation', status: 'open' });
  expect(await row(PL).textContent()).toContain('awaits the task “Verify: Production licence” below');
  await shots('40-04-filed-by-enterprise');

  // A caseworker of the opening department files the inspection report for the enterprise, and may not verify it.
  await b.signIn(page, ma);
  await typeCertificate(PIR, 'Product inspection report', {
    number: 'JC-2026-117',
    issuer: 'Fujian Testing Institute',
    issuedOn: '2026-03-05',
    file: 'report-117',
  });
  await form(PIR).getByRole('button', { name: 'File certificate', exact: true }).click();
  await expect.poll(() => row(PIR).getAttribute('data-status')).toBe('submitted');
  expect(await row(PIR).locator('.filed-by-you').count()).toBe(1);
  await taskCard(`verify:${PIR}`).getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => b.page.locator('.problem').first().textContent()).toMatch(/Refused \(403\)[\s\S]*four eyes/);
  const afterRefusal = await getCase(caseId);
  expect(ob(afterRefusal, PIR)).toMatchObject({
    status: 'submitted',
    filings: [expect.objectContaining({ document: filedDocument('report-117'), filedBy: 'mr-ma', outcome: 'pending' })],
  });
  await shots('40-05-four-eyes');

  // A colleague verifies the enterprise's licence.
  await b.signIn(page, mei);
  await approve(`verify:${PL}`);
  await expect.poll(() => row(PL).getAttribute('data-status')).toBe('verified');
  expect(ob(await getCase(caseId), PL)).toMatchObject({ status: 'verified', filings: [expect.objectContaining({ outcome: 'verified', decidedBy: 'mr-mei' })] });
  expect(await row(PL).textContent()).toContain('Verified by Mei Lin');
  await shots('40-06-verified');
  await b.shot('40-06-verified-390', 390); // the obligations as labelled cards

  // The device registration is never filed: reminded, overdue, and after the grace the permit is suspended.
  await expect.poll(async () => (await getCase(caseId)).status, { timeout: 60_000, interval: 500 }).toBe('suspended');
  const suspended = await getCase(caseId);
  expect(ob(suspended, MDR)).toMatchObject({ status: 'overdue', overdueAt: expect.any(String), remindersSent: [expect.objectContaining({ before: 'PT20S' })] });
  expect(suspended.suspensions).toEqual([expect.objectContaining({ revokeAt: expect.any(String), reinstatedAt: null })]);
  await b.signIn(page, zhang);
  await expect.poll(() => permitState()).toBe('suspended');
  expect(await b.page.locator('[data-panel="permit"]').textContent()).toContain('Production must stop');
  expect(await row(MDR).getAttribute('data-status')).toBe('overdue');
  await shots('40-07-suspended');

  // The enterprise files it late. A second tab, opened before, still offers the form: its filing is
  // refused (409) in the form, with what was typed kept.
  const late = { number: 'MD-2026-0007', issuer: 'National Medical Products Administration', issuedOn: '2026-03-10', file: 'registration-0007' };
  const first = b.page;
  b.page = await b.context.newPage();
  await b.signIn(page, zhang);
  await typeCertificate(MDR, 'Medical device registration', { ...late, number: 'MD-2026-0007-copy', file: 'registration-0007-copy' });
  const stale = b.page;
  b.page = first;
  await typeCertificate(MDR, 'Medical device registration', late);
  await form(MDR).getByRole('button', { name: 'File certificate', exact: true }).click();
  await expect.poll(() => row(MDR).getAttribute('data-status')).toBe('submitted');
  const lateFiled = await getCase(caseId);
  expect(lateFiled.status).toBe('suspended');
  expect(ob(lateFiled, MDR).filings).toEqual([
    expect.objectContaining({ number: 'MD-2026-0007', document: filedDocument('registration-0007'), filedBy: 'zhang', outcome: 'pending' }),
  ]);
  b.page = stale;
  await form(MDR).getByRole('button', { name: 'File certificate', exact: true }).click();
  await expect.poll(() => form(MDR).locator('.problem').textContent()).toMatch(/Refused \(409\)[\s\S]*already awaiting verification/);
  expect(await form(MDR).getByLabel('Number', { exact: true }).inputValue()).toBe('MD-2026-0007-copy');
  expect(await form(MDR).getByRole('list', { name: SCAN, exact: true }).textContent()).toContain('registration-0007-copy.pdf');
  expect(ob(await getCase(caseId), MDR).filings).toHaveLength(1);
  await shots('40-07b-stale-tab-refused');
  await stale.close();
  b.page = first;

  await b.signIn(page, du);
  await approve(`verify:${MDR}`);
  await expect.poll(() => permitState()).toBe('reinstated');
  const reinstated = await getCase(caseId);
  expect(reinstated.status).toBe('provisional');
  expect(reinstated.suspensions[0].reinstatedAt).toEqual(expect.any(String));
  expect(ob(reinstated, MDR).status).toBe('verified');
  await shots('40-08-reinstated');

  // The last certificate verified by a colleague of the one who filed it: certified, with the licence number.
  await b.signIn(page, mei);
  await approve(`verify:${PIR}`);
  await expect.poll(() => permitState()).toBe('certified');
  const certified = await getCase(caseId);
  expect(certified.status).toBe('certified');
  expect(certified.decision.number).toMatch(/^PFL-\d{4}-\d{6}$/);
  expect(certified.obligations.map((o: any) => o.status)).toEqual(['verified', 'verified', 'verified']);
  expect(await b.page.getByTestId('licence-number').textContent()).toBe(certified.decision.number);
  expect(await panel().locator('.permit-history li').count()).toBe(4); // issued, suspended, reinstated, certified
  await shots('40-09-certified');
  expect(b.pageErrors).toEqual([]);
});
