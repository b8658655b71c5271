/**
 * Opening a case in the browser (/cases/new), against the real stack: the form is built from the
 * template's details schema. A service-centre caseworker opens a claim (money typed in yuan, held in
 * fen; its evidence files chosen, uploaded and one removed again) for a key SME (the priority shows
 * as the code is typed) and a produce-first case (products, pledge, missing qualifications); an
 * applicant opens a one-stop case for its own enterprise (its code read-only) with a file; a mistake the server refuses is shown at its field with everything typed kept; a double
 * click opens one case. Every outcome is checked through the API; screenshots ("20-…") in English and
 * Chinese, each checked by axe-core.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { filedDocument, samplePdf } from '../support/documents.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;
let page: Page;
let auditor: string;

const caseworker: Person = { user: 'alice', name: 'Alice Li', roles: 'caseworker', department: 'service-centre' };

const enterprise = (first17: string, name: string) => ({
  creditCode: first17 + creditCodeCheckChar(first17),
  name,
  contact: { name: 'Wang Fang', phone: '+86 10 6666 0000', email: 'wang@masks.example' },
});
const KEY_SME = enterprise('91110108MA0000042', 'Beijing Masks Ltd.');

beforeAll(async () => {
  b = await startBrowser();
  page = b.page;
  auditor = await b.token({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] });
  const admin = await b.token({ sub: 'root', name: 'Admin', roles: ['admin'] });
  expect((await b.api('PUT', `/v1/key-smes/${KEY_SME.creditCode}`, admin, { name: KEY_SME.name, reason: 'mask maker' })).status).toBe(201);
});
afterAll(async () => {
  expect(b?.pageErrors ?? []).toEqual([]);
  await b?.close();
});

const label = (text: string) => page.getByLabel(text, { exact: true });
const submit = (name = 'Open the case') => page.getByRole('button', { name, exact: true });

/** Signs in and opens the form for a template, through the Cases page's link. */
async function openForm(who: Person, templateId: string): Promise<void> {
  await b.signIn('/cases', who);
  await page.getByRole('link', { name: 'Open a case', exact: true }).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe('/cases/new');
  await label('Template').selectOption(templateId);
  await expect.poll(() => page.locator('form.schema-form').count()).toBe(1);
}

async function fillApplicant(a: { creditCode: string; name: string; contact: { name: string; phone: string; email: string } }): Promise<void> {
  await label('Unified social credit code').fill(a.creditCode);
  await label('Enterprise name').fill(a.name);
  await label('Contact name').fill(a.contact.name);
  await label('Telephone').fill(a.contact.phone);
  await label('Email').fill(a.contact.email);
}

const FILED = 'Documents filed with the application';
/** The file input of the form's document picker (the list of chosen files bears the same label). */
const fileInput = () => label(FILED).and(page.locator('input[type="file"]'));
const pdf = (file: string) => ({ name: `${file}.pdf`, mimeType: 'application/pdf', buffer: samplePdf(file) });
/** The names listed as chosen (and uploaded) under the document picker named `name`. */
const chosen = (name = FILED) => page.getByRole('list', { name, exact: true }).locator('li').allTextContents();

/** The case the page went to after opening it, as an auditor reads it. */
async function openedCase(): Promise<any> {
  await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/cases\/case-/);
  const caseId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
  const r = await b.api('GET', `/v1/cases/${caseId}`, auditor);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** The cases of an enterprise, as an auditor lists them. */
async function casesOf(creditCode: string): Promise<number> {
  const r = await b.api('GET', `/v1/cases?applicant=${creditCode}&limit=200`, auditor);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items.length;
}

async function fillClaim(policyNumber: string): Promise<void> {
  await label('Policy number').fill(policyNumber);
  await label('Claimed amount').fill('500,000.75');
  await label('What happened').fill('Water damage to the warehouse stock after the pipe burst.');
  await label('When it happened').fill('2026-03-01');
}

test('a caseworker opens a claim for a key SME: money typed in yuan is held in fen, its evidence filed as files', async () => {
  await openForm(caseworker, 'liability-claim-fast-channel');
  await b.shot('20-open-case-claim-empty-en');
  await fillApplicant(KEY_SME);
  // The priority shows as soon as the code is valid.
  await expect.poll(() => page.locator('.key-sme').getAttribute('data-key-sme')).toBe('true');
  expect(await page.locator('.key-sme').textContent()).toContain('Key SME');
  await fillClaim('LIA-2026-0001');
  // The evidence: two files chosen at once, each uploaded and listed by name; one removed again.
  await fileInput().setInputFiles([pdf('damage-photos'), pdf('repair-quote')]);
  await expect.poll(() => chosen()).toHaveLength(2);
  expect((await chosen()).map((t) => t.split(' ')[0])).toEqual(['damage-photos.pdf', 'repair-quote.pdf']);
  expect((await chosen())[0]).toContain(`(${samplePdf('damage-photos').length} B)`);
  await page.getByRole('button', { name: 'Remove repair-quote.pdf', exact: true }).click();
  await expect.poll(() => chosen()).toHaveLength(1);
  await b.shot('20-open-case-claim-en');
  await b.setLanguage('zh-CN');
  // The details' fields are named in Chinese too, from the titles the process's schema publishes.
  await expect.poll(() => label('保单号').inputValue()).toBe('LIA-2026-0001');
  expect(await label('索赔金额').inputValue()).toBe('500,000.75');
  // The chosen file stays, under the picker's Chinese label.
  expect((await chosen('随申请提交的材料'))[0]).toContain('damage-photos.pdf');
  await b.shot('20-open-case-claim-zh');
  await submit('提交申请').click();

  const opened = await openedCase();
  expect(opened.templateId).toBe('liability-claim-fast-channel');
  expect(opened.applicant).toMatchObject({ creditCode: KEY_SME.creditCode, name: KEY_SME.name, contact: KEY_SME.contact });
  expect(opened.details).toEqual({
    policyNumber: 'LIA-2026-0001',
    claimedAmount: { amount: 50000075, currency: 'CNY' },
    loss: { description: 'Water damage to the warehouse stock after the pipe burst.', occurredAt: '2026-03-01' },
  });
  // The file kept is filed with the opening, as uploaded; the one removed is not.
  expect(opened.documents).toEqual([filedDocument('damage-photos')]);
  expect(opened.documents[0].digest).toMatch(/^[0-9a-f]{64}$/);
  expect(opened.priority).toBe(true);
  expect(opened.openedBy).toBe('alice');
  // The case page offers it by its name under the documents filed (in the page's language, Chinese still).
  const filed = page.locator('section.card', { has: page.getByRole('heading', { name: '申请材料', exact: true }) });
  await expect.poll(() => filed.getByRole('button').allTextContents()).toEqual(['damage-photos.pdf']);
  await b.setLanguage('en');
});

test('a caseworker opens a produce-first case: products, the pledge, the missing qualifications', async () => {
  await openForm(caseworker, 'produce-first-epidemic-supplies');
  await fillApplicant(applicant);
  await expect.poll(() => page.locator('.key-sme').getAttribute('data-key-sme')).toBe('false');
  await label('Signed by').fill('Zhang Wei');
  await label('The pledge').fill('We pledge to file every certificate on time.');
  const products = (n: number) => page.getByRole('group', { name: `Products ${n}`, exact: true });
  await products(1).getByLabel('Product', { exact: true }).fill('Protective suits');
  await products(1).getByLabel('Description', { exact: true }).fill('Class II, sterile');
  await page.getByRole('button', { name: 'Add to “Products”', exact: true }).click();
  await products(2).getByLabel('Product', { exact: true }).fill('Face shields');
  // A third, added and removed again: the others keep what was typed.
  await page.getByRole('button', { name: 'Add to “Products”', exact: true }).click();
  await products(3).getByLabel('Product', { exact: true }).fill('Gloves');
  await page.getByRole('button', { name: 'Remove Products 3', exact: true }).click();
  await page.getByRole('checkbox', { name: 'production-licence', exact: true }).check();
  await page.getByRole('checkbox', { name: 'product-inspection-report', exact: true }).check();
  await b.shot('20-open-case-produce-first-en');
  await b.setLanguage('zh-CN');
  expect(await label('签署人').inputValue()).toBe('Zhang Wei');
  await b.shot('20-open-case-produce-first-zh');
  await b.setLanguage('en');
  await submit().click();

  const opened = await openedCase();
  expect(opened.details).toEqual({
    pledge: { signedBy: 'Zhang Wei', text: 'We pledge to file every certificate on time.' },
    products: [{ name: 'Protective suits', description: 'Class II, sterile' }, { name: 'Face shields' }],
    missing: ['production-licence', 'product-inspection-report'],
  });
  expect(opened.priority).toBe(false);
});

test('an applicant opens a one-stop case for its own enterprise, with free-form details and a file', async () => {
  await openForm({ user: 'acme-user', name: 'Zhang Wei', roles: 'applicant', organisation: applicant.creditCode }, 'mask-line-fast-track');
  const code = label('Unified social credit code');
  expect(await code.inputValue()).toBe(applicant.creditCode);
  expect(await code.getAttribute('readonly')).not.toBeNull();
  await label('Enterprise name').fill(applicant.name);
  await label('Contact name').fill(applicant.contact.name);
  await label('Telephone').fill(applicant.contact.phone);
  await label('Email').fill(applicant.contact.email);
  await label('Name of field 1').fill('product');
  await label('Value of field 1').fill('medical masks');
  await page.getByRole('button', { name: 'Add a field', exact: true }).click();
  await label('Name of field 2').fill('capacityPerDay');
  await label('Value of field 2').fill('50000');
  await fileInput().setInputFiles(pdf('floor-plan'));
  await expect.poll(() => chosen()).toEqual([expect.stringContaining('floor-plan.pdf')]);
  await b.shot('20-open-case-one-stop-applicant-en');
  await b.setLanguage('zh-CN');
  await b.shot('20-open-case-one-stop-applicant-zh');
  await submit('提交申请').click();

  const opened = await openedCase();
  expect(opened.applicant.creditCode).toBe(applicant.creditCode);
  expect(opened.details).toEqual({ product: 'medical masks', capacityPerDay: '50000' });
  expect(opened.documents).toEqual([filedDocument('floor-plan')]);
  expect(opened.openedBy).toBe('acme-user');
});

test('a mistake the server refuses is shown at its field, and everything typed is kept', async () => {
  const firm = enterprise('91110108MA0000123', 'Blank Policy Ltd.');
  await openForm(caseworker, 'liability-claim-fast-channel');
  await fillApplicant(firm);
  // Blank text passes the browser's `required`, not the server.
  await fillClaim('   ');
  await submit().click();

  const policy = label('Policy number');
  await expect.poll(() => policy.getAttribute('aria-invalid')).toBe('true');
  const described = (await policy.getAttribute('aria-describedby'))!.split(' ');
  const errorId = described.find((id) => id.endsWith('-error'))!;
  expect(await page.locator(`[id="${errorId}"]`).textContent()).toBe('must not be empty or blank');
  expect(await page.getByRole('alert').textContent()).toMatch(/Refused \(400\)[\s\S]*body\.details\.policyNumber/);
  // Nothing typed was lost.
  expect(await label('Claimed amount').inputValue()).toBe('500,000.75');
  expect(await label('What happened').inputValue()).toBe('Water damage to the warehouse stock after the pipe burst.');
  expect(await label('When it happened').inputValue()).toBe('2026-03-01');
  expect(await label('Enterprise name').inputValue()).toBe(firm.name);
  expect(await label('Unified social credit code').inputValue()).toBe(firm.creditCode);
  expect(await casesOf(firm.creditCode)).toBe(0);
  await b.shot('20-open-case-refused-en');
  await b.setLanguage('zh-CN');
  await b.shot('20-open-case-refused-zh');
  await b.setLanguage('en');

  // Corrected, it opens (a new request: the refused one opened nothing).
  await policy.fill('LIA-2026-0002');
  await submit().click();
  const opened = await openedCase();
  expect(opened.details.policyNumber).toBe('LIA-2026-0002');
  expect(opened.details.claimedAmount).toEqual({ amount: 50000075, currency: 'CNY' });
  expect(opened.documents).toEqual([]);
  await expect.poll(() => casesOf(firm.creditCode)).toBe(1);
});

test('a credit code with a wrong check character is refused as typed', async () => {
  await openForm(caseworker, 'mask-line-fast-track');
  const code = label('Unified social credit code');
  const wrong = applicant.creditCode.slice(0, 17) + (applicant.creditCode.endsWith('3') ? '4' : '3');
  await code.fill(wrong);
  await expect.poll(() => code.getAttribute('aria-invalid')).toBe('true');
  expect(await code.evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(false);
  expect(await page.locator('.key-sme').count()).toBe(0);
  await code.fill(applicant.creditCode);
  await expect.poll(() => code.getAttribute('aria-invalid')).toBeNull();
  await expect.poll(() => page.locator('.key-sme').getAttribute('data-key-sme')).toBe('false');
});

test('a double click on submit opens exactly one case', async () => {
  const firm = enterprise('91110108MA0000456', 'Double Click Ltd.');
  await openForm(caseworker, 'mask-line-fast-track');
  await fillApplicant(firm);
  await label('Name of field 1').fill('product');
  await label('Value of field 1').fill('gowns');
  await submit().dblclick();
  const opened = await openedCase();
  expect(opened.applicant.creditCode).toBe(firm.creditCode);
  await expect.poll(() => casesOf(firm.creditCode)).toBe(1);
  // A second opening would be projected a moment after its answer: give it that moment, then count again.
  await new Promise((r) => setTimeout(r, 1500));
  expect(await casesOf(firm.creditCode)).toBe(1);
});

test('the form works with the keyboard alone', async () => {
  const firm = enterprise('91110108MA0000789', 'Keyboard Ltd.');
  await b.signIn('/cases/new', caseworker);
  await label('Template').focus();
  await page.keyboard.type('New mask'); // the select's type-ahead: "New mask production line"
  await expect.poll(() => label('Template').inputValue()).toBe('mask-line-fast-track');
  await expect.poll(() => page.locator('form.schema-form').count()).toBe(1);
  // From the template, Tab walks the form in reading order.
  await label('Template').focus();
  const type = async (text: string) => {
    await page.keyboard.press('Tab');
    await page.keyboard.type(text);
  };
  await type(firm.creditCode);
  await type(firm.name);
  await type(firm.contact.name);
  await type(firm.contact.phone);
  await type(firm.contact.email);
  await type('product');
  await type('face masks');
  await page.keyboard.press('Tab'); // Remove field 1
  await page.keyboard.press('Tab'); // Add a field
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Add a field');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Add a field');
  await page.keyboard.press('Shift+Tab'); // Remove field 2
  await page.keyboard.press('Shift+Tab'); // Value of field 2
  await page.keyboard.type('20000');
  await page.keyboard.press('Shift+Tab'); // Name of field 2
  await page.keyboard.type('capacity');
  await page.keyboard.press('Enter'); // submits the form
  const opened = await openedCase();
  expect(opened.applicant).toMatchObject({ creditCode: firm.creditCode, name: firm.name, contact: firm.contact });
  expect(opened.details).toEqual({ product: 'face masks', capacity: '20000' });
});
