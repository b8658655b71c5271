/**
 * An applicant's documents, end to end in the browser: the enterprise opens a case with a file,
 * health asks for a floor plan, the enterprise uploads a PDF by the date shown, health sees and
 * downloads it (byte for byte) and approves, and the enterprise downloads the decision PDF, whose
 * text (pdftotext) holds the decision number and the enterprise; and an enterprise withdraws an
 * application with its reason. Every outcome is checked through the API; screenshots 85-* (checked
 * by axe-core).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Download } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { samplePdf } from '../support/documents.js';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;
beforeAll(async () => {
  b = await startBrowser();
});
afterAll(async () => {
  expect(b?.pageErrors ?? []).toEqual([]);
  await b?.close();
});

const enterprise: Person = { user: 'acme-user', name: 'Zhang Wei', roles: 'applicant', organisation: applicant.creditCode };
const healthOfficer: Person = { user: 'hu', name: 'Hu Min', roles: 'caseworker', department: 'health' };
const label = (text: string) => b.page.getByLabel(text, { exact: true });
const taskCard = (taskId: string) => b.page.locator(`li.task[data-task="${taskId}"]`);

/** Clicks and answers the file the browser saved. */
async function downloaded(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([b.page.waitForEvent('download'), click()])) as [Download, void];
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test('an enterprise files its documents in the browser; the department reads them; the decision comes back as a PDF', async () => {
  const page = () => b.page;
  const licence = samplePdf('business licence');
  const floorPlan = samplePdf('floor plan, second storey');

  // The enterprise opens a case with its business licence.
  await b.signIn('/cases', enterprise);
  await page().getByRole('link', { name: 'Open a case', exact: true }).click();
  await label('Template').selectOption('mask-line-fast-track');
  await expect.poll(() => page().locator('form.schema-form').count()).toBe(1);
  await label('Enterprise name').fill(applicant.name);
  await label('Contact name').fill(applicant.contact.name);
  await label('Telephone').fill(applicant.contact.phone);
  await label('Email').fill(applicant.contact.email);
  await label('Name of field 1').fill('product');
  await label('Value of field 1').fill('medical masks');
  await label('Documents filed with the application').setInputFiles({ name: 'business-licence.pdf', mimeType: 'application/pdf', buffer: licence });
  await expect.poll(() => page().locator('ul.documents li').first().textContent()).toContain('business-licence.pdf');
  await b.shot('85-open-with-document');
  await page().getByRole('button', { name: 'Open the case', exact: true }).click();
  await expect.poll(() => new URL(page().url()).pathname).toMatch(/^\/cases\/case-/);
  const caseId = decodeURIComponent(new URL(page().url()).pathname.split('/')[2]!);
  const auditor = await b.token({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] });
  const opened = (await b.api('GET', `/v1/cases/${caseId}`, auditor)).body;
  expect(opened.documents).toEqual([expect.objectContaining({ name: 'business-licence.pdf', mediaType: 'application/pdf', size: licence.length })]);

  // Health asks for the floor plan (through the API: the department's own pages are tested elsewhere).
  const health = await b.token({ sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' });
  const asked = await b.api('POST', `/v1/cases/${caseId}/tasks/health/decision`, health, { outcome: 'request-info', requestedDocuments: ['floor plan'] });
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  const dueAt = asked.body.sla.supplementDueAt as string;

  // The enterprise sees what is asked and by when, and uploads the PDF.
  await b.signIn(`/cases/${caseId}`, enterprise);
  const summary = page().locator('section.applicant-summary');
  await expect.poll(() => summary.locator('[data-asked-task="health"] li').allTextContents()).toEqual(['floor plan']);
  expect(await summary.locator('[data-supplement-due] time').getAttribute('datetime')).toBe(dueAt);
  await page().getByRole('button', { name: 'Supplement', exact: true }).click();
  await label('Documents asked for').setInputFiles({ name: 'floor-plan.pdf', mimeType: 'application/pdf', buffer: floorPlan });
  await expect.poll(() => page().locator('ul.documents li').first().textContent()).toContain('floor-plan.pdf');
  await b.shot('85-supplement-chosen');
  await page().getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => page().locator('article.case').getAttribute('data-status')).toBe('in-review');
  const supplemented = (await b.api('GET', `/v1/cases/${caseId}`, auditor)).body;
  expect(supplemented.supplements[0].documents).toEqual([expect.objectContaining({ name: 'floor-plan.pdf', size: floorPlan.length })]);

  // Health sees the supplement, downloads exactly what was filed, and approves.
  await b.signIn(`/cases/${caseId}`, healthOfficer);
  const filed = await downloaded(() => page().getByRole('button', { name: 'floor-plan.pdf', exact: true }).click());
  expect(filed.name).toBe('floor-plan.pdf');
  expect(filed.bytes.equals(floorPlan)).toBe(true);
  await b.shot('85-department-sees-supplement');
  await taskCard('health').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => taskCard('health').locator('.badge.status-decided').count()).toBe(1);
  const downloads = (await b.stack.db.pool.query(`SELECT actor_sub FROM case_access_log WHERE action = 'document-download' AND case_id = $1`, [caseId])).rows;
  expect(downloads).toEqual([{ actor_sub: 'hu' }]);
  for (const dept of ['market-regulation', 'ecology']) {
    const token = await b.token({ sub: `${dept}-officer`, name: dept, roles: ['caseworker'], dept });
    expect((await b.api('POST', `/v1/cases/${caseId}/tasks/${dept}/decision`, token, { outcome: 'approve' })).status).toBe(200);
  }

  // The enterprise downloads its decision as a PDF: the number and the enterprise are in its text.
  await b.signIn(`/cases/${caseId}`, enterprise);
  await expect.poll(() => page().locator('article.case').getAttribute('data-status')).toBe('approved');
  const decided = (await b.api('GET', `/v1/cases/${caseId}`, auditor)).body;
  const button = page().getByRole('button', { name: 'Download One-stop approval decision (PDF)', exact: true });
  await expect.poll(() => button.count()).toBe(1);
  await b.shot('85-decision-documents');
  const pdf = await downloaded(() => button.click());
  expect(pdf.name).toBe(`decision-${decided.decision.number}.pdf`);
  expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-', '-'], { input: pdf.bytes }).toString();
  expect(text).toContain(decided.decision.number);
  expect(text).toContain(applicant.name);
});

test('an enterprise withdraws its application in the browser, giving its reason; a blank reason is refused at its field', async () => {
  const page = () => b.page;
  const counter = await b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const opened = await b.api('POST', '/v1/cases', counter, { templateId: 'mask-line-fast-track', applicant, details: { product: 'gowns' } });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const caseId = opened.body.caseId as string;

  await b.signIn(`/cases/${caseId}`, enterprise);
  await page().getByRole('button', { name: 'Withdraw', exact: true }).click();
  // Blank passes the browser's `required`, not the server: refused at the field, the case untouched.
  await label('Reason for withdrawal').fill('   ');
  await page().getByRole('button', { name: 'Confirm withdrawal', exact: true }).click();
  await expect.poll(() => page().locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
  const auditor = await b.token({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] });
  expect((await b.api('GET', `/v1/cases/${caseId}`, auditor)).body.status).toBe('in-review');

  await label('Reason for withdrawal').fill('production line moved to another province');
  await b.shot('85-withdraw');
  await page().getByRole('button', { name: 'Confirm withdrawal', exact: true }).click();
  await expect.poll(() => page().locator('article.case').getAttribute('data-status')).toBe('withdrawn');
  const history = (await b.api('GET', `/v1/cases/${caseId}/history`, auditor)).body as { type: string; actor: { sub: string }; details: { reason?: string } }[];
  const withdrawn = history.find((e) => e.type === 'withdrawn');
  expect(withdrawn).toMatchObject({ actor: { sub: enterprise.user }, details: { reason: 'production line moved to another province' } });
});
