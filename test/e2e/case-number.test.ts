/**
 * The case number in the browser: the case list and the inbox show it, a caseworker opens a case by
 * typing its number, the case page's header shows it, and the auditor's desk finds the case by it.
 * Every page is photographed in English and Chinese (test-artifacts/web/75-*, axe-checked).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;
let caseId: string;
let number: string;

const officer: Person = { user: 'hu', name: 'Hu Min', roles: 'caseworker', department: 'health' };
const auditor: Person = { user: 'audrey', name: 'Audrey Sun', roles: 'auditor' };

beforeAll(async () => {
  b = await startBrowser();
  const opener = await b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const r = await b.api('POST', '/v1/cases', opener, {
    templateId: 'mask-line-fast-track',
    applicant,
    details: { product: 'medical masks', capacityPerDay: 50000 },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  caseId = r.body.caseId;
  number = r.body.number;
  expect(number).toMatch(/^MLFT-\d{4}-000001$/);
});
afterAll(async () => {
  await b?.close();
});

async function bothLanguages(name: string) {
  await b.shot(`75-${name}`);
  await b.setLanguage('zh-CN');
  await b.shot(`75-${name}-zh`);
  await b.setLanguage('en');
}

const shownNumber = (scope: string) => b.page.locator(`${scope} [data-case-number]`).first().textContent();

test('the inbox and the case list show the number; typing it opens the case, whose header shows it', async () => {
  await b.signIn('/inbox', officer);
  await expect.poll(() => shownNumber(`tr[data-case="${caseId}"]`)).toBe(number);
  await bothLanguages('inbox');

  await b.page.getByRole('link', { name: 'Cases', exact: true }).click();
  await expect.poll(() => shownNumber(`tr[data-case="${caseId}"]`)).toBe(number);
  // An unknown number is said at the field, and what was typed stays.
  const field = b.page.getByLabel('Case number or id', { exact: true });
  await field.fill('MLFT-2001-000001');
  await field.press('Enter');
  await expect.poll(() => b.page.locator('.field-error').textContent()).toContain('MLFT-2001-000001');
  expect(await field.inputValue()).toBe('MLFT-2001-000001');
  await bothLanguages('cases');

  await field.fill(number);
  await field.press('Enter');
  await expect.poll(() => b.page.url()).toBe(`${b.stack.baseUrl}/cases/${caseId}`);
  await expect.poll(() => shownNumber('header.case-head')).toBe(number);
  await bothLanguages('case');
  // What the page shows is the case's number as the API has it.
  const token = await b.token({ sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' });
  expect((await b.api('GET', `/v1/cases/${caseId}`, token)).body.number).toBe(number);
});

test("the auditor's desk finds the case by its number", async () => {
  const other = await b.api('POST', '/v1/cases', await b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' }), {
    templateId: 'mask-line-fast-track',
    applicant,
    details: { product: 'gowns', capacityPerDay: 100 },
  });
  expect(other.status).toBe(201);
  await b.signIn('/audit', auditor);
  // The desk lists every case first; the search narrows it.
  await expect.poll(() => b.page.locator('tr[data-case]').count()).toBe(2);
  await b.page.getByLabel('Case number', { exact: true }).fill(number);
  await b.page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect.poll(() => b.page.url()).toContain(`number=${number}`);
  await expect.poll(() => b.page.locator('tr[data-case]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-case')))).toEqual([caseId]);
  await bothLanguages('audit-by-number');
  // The same search through the API: the one case, not the other.
  const token = await b.token({ sub: 'audrey', name: 'Audrey Sun', roles: ['auditor'] });
  const found = await b.api('GET', `/v1/cases?number=${number}`, token);
  expect(found.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
});
