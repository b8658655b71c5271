/**
 * A supervisor's work in the browser, against the real stack: tasks on a template whose ladder
 * reaches the supervisor within seconds really escalate; the supervisor finds them on the
 * escalations page (filters in the address) and assigns one from there; reassigns three at once
 * from the inbox, one of which was decided meanwhile and is reported as refused while the other
 * two stay done; saves inbox filters by name, signs in again and applies them. Every outcome is
 * checked through the API. Screenshots (50-*) in English and Chinese, each checked by axe-core.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { applicant } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';

let b: Browser;
let auditor: string;
const TEMPLATE = 'supervisor-ladder';
const chief: Person = { user: 'chief', name: 'Chief Wang', roles: 'supervisor', department: 'health' };
/** The escalated cases by applicant, and one on the built-in template that has not escalated. */
const cases: Record<'one' | 'two' | 'three' | 'four' | 'quiet', string> = { one: '', two: '', three: '', four: '', quiet: '' };

const row = (caseId: string) => b.page.locator(`tr[data-case="${caseId}"][data-task="health"]`);
const healthTask = async (caseId: string) =>
  ((await b.api('GET', `/v1/cases/${caseId}`, auditor)).body.tasks as { taskId: string; assignee: string | null; status: string }[]).find(
    (t) => t.taskId === 'health',
  )!;

beforeAll(async () => {
  b = await startBrowser();
  const admin = await b.token({ sub: 'root', name: 'Admin', roles: ['admin'] });
  const opener = await b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const supervisor = await b.token({ sub: 'chief', name: 'Chief Wang', roles: ['supervisor'], dept: 'health' });
  auditor = await b.token({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] });
  // Health's hour-long task is reminded after 3.6 s and reaches its supervisor after 7.2 s.
  const deployed = await b.api('POST', '/v1/templates', admin, {
    id: TEMPLATE,
    title: 'Gown line permit',
    kind: 'one-stop-approval',
    sla: 'PT48H',
    escalation: [
      { at: 0.001, action: 'reminder' },
      { at: 0.002, action: 'supervisor' },
    ],
    departments: [
      { dept: 'health', title: 'Hygiene permit', sla: 'PT1H' },
      { dept: 'ecology', title: 'Environmental filing' },
    ],
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
  const open = async (templateId: string, name: string) => {
    const r = await b.api('POST', '/v1/cases', opener, { templateId, applicant: { ...applicant, name }, details: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.caseId as string;
  };
  for (const [key, name] of [
    ['one', 'First Gowns Ltd'],
    ['two', 'Second Gowns Ltd'],
    ['three', 'Third Gowns Ltd'],
    ['four', 'Fourth Gowns Ltd'],
  ] as const)
    cases[key] = await open(TEMPLATE, name);
  cases.quiet = await open('mask-line-fast-track', 'Quiet Masks Ltd');
  // Really escalated: the supervisor's own escalated list holds the four (polled, no sleep).
  await waitFor(
    async () => (await b.api('GET', '/v1/tasks?escalatedTo=supervisor', supervisor)).body.items as unknown[],
    (items) => items.length === 4,
    30_000,
  );
}, 120_000);

afterAll(async () => {
  await b?.close();
});

test('the escalations page lists what reached the supervisor, with its filters in the address; Assign from there', async () => {
  await b.signIn('/escalations', chief);
  await expect.poll(() => b.page.locator('table.escalations tbody tr').count()).toBe(4);
  expect(await row(cases.quiet).count()).toBe(0);
  const first = row(cases.one);
  expect(await first.locator('td').nth(2).textContent()).toMatch(/↑2\s*supervisor/);
  expect(await first.locator('td').nth(3).locator('time').count()).toBe(1);
  await b.shot('50-escalations');
  await b.setLanguage('zh-CN');
  await expect.poll(() => first.locator('td').nth(2).textContent()).toContain('部门负责人');
  await b.shot('50-escalations-zh');
  await b.setLanguage('en');

  // The command centre's step has not fired: that filter, in the address, shows none.
  await b.page.getByLabel('Escalated to', { exact: true }).selectOption('command-center');
  await b.page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect.poll(() => new URL(b.page.url()).searchParams.get('to')).toBe('command-center');
  await expect.poll(() => b.page.getByText('No task of your department has been escalated to its supervisor.').isVisible()).toBe(true);
  await b.page.goBack();
  await expect.poll(() => b.page.locator('table.escalations tbody tr').count()).toBe(4);

  // Assign the fourth from its row, by keyboard: the form's fields, then Enter.
  await row(cases.four)
    .getByRole('button', { name: /^Assign:/ })
    .click();
  await row(cases.four).getByLabel('Assign to (user id)').fill('zhao');
  await row(cases.four).getByLabel('Their name').fill('Zhao Lei');
  await row(cases.four).getByLabel('Their name').press('Enter');
  await expect.poll(() => row(cases.four).locator('td').nth(5).textContent()).toBe('Zhao Lei');
  await expect.poll(async () => (await healthTask(cases.four)).assignee).toBe('zhao');
});

test('three tasks reassigned at once from the inbox: one decided meanwhile is reported refused, the others stay done', async () => {
  await b.page.locator('nav[aria-label="main"]').getByRole('link', { name: 'Inbox', exact: true }).click();
  await expect.poll(() => b.page.locator('table.inbox tbody tr').count()).toBe(5);

  // "Select all shown" ticks every row and unticks them again.
  const selectAll = b.page.getByLabel('Select all shown', { exact: true });
  await selectAll.check();
  await expect.poll(() => b.page.getByText('5 selected', { exact: true }).isVisible()).toBe(true);
  await selectAll.uncheck();
  expect(await b.page.locator('input.row-check:checked').count()).toBe(0);

  // Three rows ticked with the keyboard (Space on each labelled checkbox).
  for (const id of [cases.one, cases.two, cases.three]) {
    const box = row(id).getByRole('checkbox');
    expect(await box.getAttribute('aria-label')).toMatch(/^Select: Gown line permit \(\w+ Gowns Ltd\) — Hygiene permit$/);
    await box.focus();
    await b.page.keyboard.press('Space');
  }
  await expect.poll(() => b.page.getByText('3 selected', { exact: true }).isVisible()).toBe(true);
  await b.page.getByLabel('Assign to (user id)', { exact: true }).fill('lin');
  await b.page.getByLabel('Their name', { exact: true }).fill('Lin Fang');
  await b.shot('50-inbox-bulk-selected');

  // Meanwhile a health officer decides the second case's task.
  const hu = await b.token({ sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' });
  const decided = await b.api('POST', `/v1/cases/${cases.two}/tasks/health/decision`, hu, { outcome: 'approve' });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);

  await b.page.getByLabel('Their name', { exact: true }).press('Enter');
  const report = b.page.getByTestId('bulk-report');
  await expect.poll(() => report.locator('strong').textContent()).toBe('Reassignment to Lin Fang: 2 reassigned, 1 refused');
  expect(await report.locator(`li[data-case="${cases.one}"]`).getAttribute('data-outcome')).toBe('reassigned');
  expect(await report.locator(`li[data-case="${cases.three}"]`).getAttribute('data-outcome')).toBe('reassigned');
  const refusedLine = report.locator(`li[data-case="${cases.two}"]`);
  expect(await refusedLine.getAttribute('data-outcome')).toBe('refused');
  expect(await refusedLine.textContent()).toMatch(/^Refused: .*Second Gowns Ltd.* — \(409\) .*not open/);
  // The report takes the focus, and the reassigned rows show their new holder.
  expect(await b.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('bulk-report');
  await expect.poll(() => row(cases.one).locator('td').nth(4).textContent()).toBe('Lin Fang');
  await b.shot('50-inbox-bulk-report');
  await b.setLanguage('zh-CN');
  await expect.poll(() => report.locator('strong').textContent()).toBe('改派给 Lin Fang：2 项成功，1 项被拒绝');
  await b.shot('50-inbox-bulk-report-zh');
  await b.setLanguage('en');

  expect((await healthTask(cases.one)).assignee).toBe('lin');
  expect((await healthTask(cases.three)).assignee).toBe('lin');
  const second = await healthTask(cases.two);
  expect(second.status).toBe('decided');
  expect(second.assignee).not.toBe('lin');
  expect((await healthTask(cases.four)).assignee).toBe('zhao');
});

test('inbox filters saved by name survive signing in again, apply as a link, and can be deleted', async () => {
  await b.signIn('/inbox?templateId=mask-line-fast-track', chief);
  await expect.poll(() => b.page.locator('table.inbox tbody tr').count()).toBe(1);
  expect(await row(cases.quiet).count()).toBe(1);
  await b.page.getByLabel('Save filters as…', { exact: true }).fill('Quiet cases');
  await b.page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => b.page.getByText('Saved the filters as “Quiet cases”.').isVisible()).toBe(true);

  // A second filter, made with the form (unassigned only), saved and then deleted.
  await b.page.getByLabel('Assignee', { exact: true }).selectOption('none');
  await b.page.getByLabel('Template', { exact: true }).fill(TEMPLATE);
  await b.page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect.poll(() => new URL(b.page.url()).search).toBe(`?assignee=none&templateId=${TEMPLATE}`);
  await b.page.getByLabel('Save filters as…', { exact: true }).fill('Unheld gowns');
  await b.page.getByLabel('Save filters as…', { exact: true }).press('Enter');
  await expect.poll(() => b.page.getByRole('link', { name: /^Apply saved filter: / }).allTextContents()).toEqual(['Quiet cases', 'Unheld gowns']);
  await b.shot('50-inbox-saved-filters');
  await b.setLanguage('zh-CN');
  await expect.poll(() => b.page.getByRole('heading', { name: '已保存的筛选' }).isVisible()).toBe(true);
  await b.shot('50-inbox-saved-filters-zh');
  await b.setLanguage('en');
  await b.page.getByRole('button', { name: 'Delete saved filter: Unheld gowns', exact: true }).click();
  await expect.poll(() => b.page.getByRole('link', { name: /^Apply saved filter: / }).allTextContents()).toEqual(['Quiet cases']);

  // Kept in this browser per user: after signing in again (a load signs out), apply it.
  const stored = await b.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('onestop.saved-filters.')));
  expect(stored).toEqual(['onestop.saved-filters./inbox.chief']);
  await b.signIn('/inbox', chief);
  await expect.poll(() => b.page.locator('table.inbox tbody tr').count()).toBeGreaterThan(1);
  await b.page.getByRole('link', { name: 'Apply saved filter: Quiet cases', exact: true }).click();
  await expect.poll(() => new URL(b.page.url()).search).toBe('?templateId=mask-line-fast-track');
  await expect.poll(() => b.page.locator('table.inbox tbody tr').count()).toBe(1);
  expect(await row(cases.quiet).count()).toBe(1);
  expect(b.pageErrors).toEqual([]);
});
