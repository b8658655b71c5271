/**
 * The admin pages in headless Chromium against the real stack: the template editor (a form over the
 * template's JSON Schema, the API's 400 at its field with the edit kept, the diff, Deploy), a
 * calendar version, the notification directory, the key-SME list with its history and CSV import,
 * and the cases stopped on an incident. Every outcome is read back through the API; every page is
 * photographed (test-artifacts/web/60-*) in English and Chinese and checked by axe-core.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import { getTemplate } from '../../db/templates.js';
import { workflowTypeOf } from '../../processes/registry.js';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;
let page: Page;
let adminToken: string;
const ADMIN: Person = { user: 'root', name: 'Admin', roles: 'admin' };

beforeAll(async () => {
  b = await startBrowser();
  page = b.page;
  adminToken = await b.token({ sub: 'root', name: 'Admin', roles: ['admin'] });
});

afterAll(async () => {
  await b?.close();
});

/** A screenshot in English, then the same page in Chinese (axe checks both), back to English. */
async function shotBoth(name: string, zhHeading: string | RegExp) {
  await b.shot(name);
  await b.setLanguage('zh-CN');
  await expect.poll(() => page.locator('h1').first().textContent()).toMatch(zhHeading);
  await b.shot(`${name}-zh`);
  await b.setLanguage('en');
}

/** The form control of a template field, by its path (its fieldset carries the path too). */
const control = (path: string) => page.locator(`:is(input, select, textarea)[data-path="${path}"]`);
/** The field errors shown at the control for `path` (its `.field` wrapper; the shared form's error line). */
const errorsAt = (path: string) => page.locator('.field', { has: control(path) }).locator('.field-error');

test('an admin edits a built-in template in the form: a bad SLA is refused at its field, then the diff, Deploy, and the new version', async () => {
  const id = 'epidemic-supplies-project';
  const before = (await b.api('GET', `/v1/templates/${id}`, adminToken)).body;
  await b.signIn('/admin', ADMIN);
  await shotBoth('60-admin-index', '管理');
  await page.getByRole('link', { name: 'Templates', exact: true }).click();
  await expect.poll(() => page.locator(`tr[data-template="${id}"]`).count()).toBe(1);
  await shotBoth('60-admin-templates', '模板');
  await page.getByRole('link', { name: `Open ${id}` }).click();
  await expect.poll(() => control('departments.0.sla').inputValue()).toBe('PT24H');

  // A malformed duration, then one longer than the case SLA (PT48H): the API's 400 at the field, the edit kept.
  // (One at a time: the API checks SLAs against each other only once every duration parses.)
  await page.locator('[data-choice="departments.1.sla"]').selectOption({ label: 'text' });
  await control('departments.1.sla').fill('two days');
  await page.getByRole('button', { name: 'Review changes' }).click();
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect.poll(() => errorsAt('departments.1.sla').count()).toBe(1);
  expect(await control('departments.1.sla').inputValue()).toBe('two days');
  await page.locator('[data-choice="departments.1.sla"]').selectOption({ label: '(not set)' });
  await control('departments.0.sla').fill('PT72H');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect.poll(() => errorsAt('departments.0.sla').textContent()).toContain('cannot exceed the case SLA');
  expect(await control('departments.0.sla').getAttribute('aria-invalid')).toBe('true');
  expect(await control('departments.0.sla').inputValue()).toBe('PT72H');
  await b.shot('60-admin-template-refused');
  expect((await b.api('GET', `/v1/templates/${id}`, adminToken)).body.version).toBe(before.version);

  // Fixed: a shorter SLA, working days for the second department, and a department added.
  await control('departments.0.sla').fill('PT12H');
  await expect.poll(() => errorsAt('departments.0.sla').count()).toBe(0);
  await page.locator('[data-choice="departments.1.sla"]').selectOption({ label: 'workingDays' });
  await control('departments.1.sla.workingDays').fill('2');
  await page.getByRole('button', { name: 'Add to “departments”' }).click();
  await control('departments.5.dept').fill('transport');
  await control('departments.5.title').fill('Road access permit');
  await page.locator('[data-choice="departments.5.sla"]').selectOption({ label: 'text' });
  await control('departments.5.sla').fill('PT24H');

  const diff = page.locator('.diff');
  await expect.poll(() => diff.locator('tr[data-change]').count()).toBe(3);
  expect(await diff.locator('tr[data-path="departments.0.sla"]').textContent()).toMatch(/changed.*"PT24H".*"PT12H"/);
  expect(await diff.locator('tr[data-path="departments.1.sla"]').textContent()).toMatch(/added.*"workingDays":2/);
  expect(await diff.locator('tr[data-path="departments.5"]').textContent()).toMatch(/added.*"dept":"transport"/);
  await shotBoth('60-admin-template-diff', '模板 epidemic-supplies-project');

  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect.poll(() => page.locator('.notice').textContent()).toContain(`${id} v${before.version + 1}`);
  const after = (await b.api('GET', `/v1/templates/${id}`, adminToken)).body;
  expect(after.version).toBe(before.version + 1);
  expect(after.departments[0].sla).toBe('PT12H');
  expect(after.departments[1].sla).toEqual({ workingDays: 2 });
  expect(after.departments[5]).toEqual({ dept: 'transport', title: 'Road access permit', sla: 'PT24H' });
  expect(after.departments.slice(2, 5)).toEqual(before.departments.slice(2, 5));
  // Deployed: nothing left to compare, and the list shows the new version.
  await expect.poll(() => diff.count()).toBe(0);
  await page.getByRole('link', { name: 'Templates', exact: true }).click();
  await expect.poll(() => page.locator(`tr[data-template="${id}"]`).textContent()).toContain(String(before.version + 1));
});

test('an admin starts a new template of a kind in the form, deploys it, and it opens as version 1', async () => {
  await b.signIn('/admin/templates', ADMIN);
  await page.getByLabel('New template of the kind').selectOption('one-stop-approval');
  await page.getByRole('button', { name: 'Start a new template' }).click();
  await control('id').fill('cold-chain-depot');
  await control('title').fill('Cold-chain depot for vaccines');
  await page.locator('[data-choice="sla"]').selectOption({ label: 'text' });
  await control('sla').fill('PT72H');
  await page.getByRole('button', { name: 'Add to “departments”' }).click();
  await control('departments.0.dept').fill('health');
  await control('departments.0.title').fill('Cold storage permit');
  await page.getByRole('button', { name: 'Review changes' }).click();
  await expect.poll(() => page.locator('.diff tr[data-change="added"]').count()).toBe(5);
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Template cold-chain-depot');
  await expect.poll(() => page.locator('.notice').textContent()).toContain('cold-chain-depot v1');
  const stored = (await b.api('GET', '/v1/templates/cold-chain-depot', adminToken)).body;
  expect(stored).toMatchObject({ version: 1, kind: 'one-stop-approval', sla: 'PT72H', departments: [{ dept: 'health', title: 'Cold storage permit' }] });
});

test('a supervisor reads the templates and the key-SME list but changes nothing; the directory is not offered', async () => {
  await b.signIn('/admin', { user: 'sue', name: 'Sue Supervisor', roles: 'supervisor', department: 'health' });
  await expect.poll(() => page.locator('.admin-links li').count()).toBe(3);
  expect(await page.getByRole('link', { name: 'Notification directory' }).count()).toBe(0);
  await b.signIn('/admin/templates/mask-line-fast-track', { user: 'sue', name: 'Sue Supervisor', roles: 'supervisor', department: 'health' });
  await expect.poll(() => page.locator('.template-form fieldset[disabled]').count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Review changes' }).count()).toBe(0);
});

test('a bad template pasted in the JSON view shows its schema errors; a bad CSV shows every bad line', async () => {
  await b.signIn('/admin/templates', ADMIN);
  await page.getByLabel('New template of the kind').selectOption('one-stop-approval');
  await page.getByRole('button', { name: 'Start a new template' }).click();
  await page.getByLabel('Show the JSON too (expert)').check();
  await page.getByLabel('Template as JSON').fill(JSON.stringify({ id: 'bad template', kind: 'one-stop-approval' }));
  await expect.poll(() => control('id').inputValue()).toBe('bad template');
  await page.getByRole('button', { name: 'Review changes' }).click();
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect.poll(() => page.locator('.diff .problem .errors li').count()).toBeGreaterThan(1);
  await expect.poll(() => errorsAt('id').count()).toBe(1);
  await shotBoth('60-admin-template-new', '新模板：one-stop-approval');

  await page.getByRole('link', { name: 'Admin', exact: true }).first().click();
  await page.getByRole('link', { name: 'Key SME list', exact: true }).click();
  await page
    .getByLabel('Import CSV (creditCode,name,reason)')
    .fill('creditCode,name,reason\n91350100M000100Y43,Acme,masks\nnot-a-code,Bad,x\n91350100M000100Y43,Acme again,dup\n');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect.poll(() => page.locator('.key-sme-import .problem .errors li').count()).toBe(2);
  const lines = await page.locator('.key-sme-import .problem .errors li').allTextContents();
  expect(lines.join('\n')).toMatch(/line 3/);
  expect(lines.join('\n')).toMatch(/line 4/);
  expect((await b.api('GET', '/v1/key-smes', adminToken)).body).toEqual([]);
});

test('an admin deploys a calendar version: a make-up day on a Monday is refused at its field, then deployed', async () => {
  const before = (await b.api('GET', '/v1/calendars/cn-mainland', adminToken)).body;
  await b.signIn('/admin/calendars', ADMIN);
  await expect.poll(() => page.locator('tr[data-calendar="cn-mainland"]').count()).toBe(1);
  await shotBoth('60-admin-calendars', '工作日历');
  await page.getByRole('link', { name: 'cn-mainland' }).click();
  await expect.poll(() => page.locator('.calendar-view dd.dates').first().textContent()).toContain('2026-10-01');
  await page.getByRole('button', { name: 'Deploy a new version of this calendar' }).click();
  const workdays = page.getByLabel('Make-up working days');
  await workdays.fill(`${await workdays.inputValue()}\n2026-02-16`);
  await page.getByLabel('Title').fill('Mainland China (with 31 December)');
  await page.getByRole('button', { name: 'Deploy this version' }).click();
  await expect.poll(() => page.locator('.field', { has: workdays }).locator('.field-errors').textContent()).toContain('2026-02-16');
  expect(await workdays.inputValue()).toContain('2026-02-16');
  await shotBoth('60-admin-calendar', '日历 cn-mainland');

  await workdays.fill((await workdays.inputValue()).replace('\n2026-02-16', ''));
  const holidays = page.getByLabel('Public holidays');
  await holidays.fill(`${await holidays.inputValue()}\n2026-12-31`);
  await page.getByRole('button', { name: 'Deploy this version' }).click();
  await expect.poll(() => page.locator('.notice').textContent()).toContain(`cn-mainland v${before.version + 1}`);
  const after = (await b.api('GET', '/v1/calendars/cn-mainland', adminToken)).body;
  expect(after).toMatchObject({ version: before.version + 1, title: 'Mainland China (with 31 December)', workdays: before.workdays, deployedBy: 'root' });
  expect(after.holidays).toEqual([...before.holidays, '2026-12-31']);
});

test('an admin edits the notification directory: a bad address is refused at its field, then saved, changed and deleted', async () => {
  await b.signIn('/admin/directory', ADMIN);
  await page.getByLabel('Department (slug, or command-center)').fill('health');
  await page.getByLabel("Department's mailbox").fill('desk at health');
  await page.getByRole('button', { name: 'Save the entry' }).click();
  await expect
    .poll(() =>
      page
        .locator('.field', { has: page.getByLabel("Department's mailbox") })
        .locator('.field-errors')
        .count(),
    )
    .toBe(1);
  expect(await page.getByLabel("Department's mailbox").inputValue()).toBe('desk at health');
  await shotBoth('60-admin-directory', '通知通讯录');

  await page.getByLabel("Department's mailbox").fill('desk@health.gov.example');
  await page.getByLabel("Supervisor's address").fill('chief@health.gov.example');
  await page.getByRole('button', { name: 'Save the entry' }).click();
  await expect.poll(() => page.locator('tr[data-dept="health"]').count()).toBe(1);
  expect((await b.api('GET', '/v1/directory/health', adminToken)).body).toMatchObject({
    email: 'desk@health.gov.example',
    supervisorEmail: 'chief@health.gov.example',
    updatedBy: 'root',
  });

  await page.getByRole('button', { name: 'Edit health' }).click();
  expect(await page.getByLabel("Supervisor's address").inputValue()).toBe('chief@health.gov.example');
  await page.getByLabel("Supervisor's address").fill('');
  await page.getByRole('button', { name: 'Save the entry' }).click();
  await expect.poll(async () => (await b.api('GET', '/v1/directory/health', adminToken)).body.supervisorEmail).toBeNull();

  await page.getByRole('button', { name: 'Delete health' }).click();
  await page.locator('form', { hasText: 'Delete the entry of health?' }).getByRole('button', { name: 'Delete health' }).click();
  await expect.poll(() => page.locator('tr[data-dept="health"]').count()).toBe(0);
  expect((await b.api('GET', '/v1/directory/health', adminToken)).status).toBe(404);
});

test('an admin adds a key SME (a bad credit code refused at its field), changes its reason and reads its history', async () => {
  const first17 = '91310000MA0000077';
  const code = first17 + creditCodeCheckChar(first17);
  await b.signIn('/admin/key-smes', ADMIN);
  await shotBoth('60-admin-key-smes', '重点中小企业名单');
  const codeField = page.locator('.add-key-sme').getByLabel('Credit code');
  await codeField.fill(first17 + (creditCodeCheckChar(first17) === '0' ? '1' : '0'));
  await page.locator('.add-key-sme').getByLabel('Name').fill('Shanghai Gowns Ltd.');
  await page.locator('.add-key-sme').getByLabel('Reason').fill('protective gowns');
  await page.getByRole('button', { name: 'Add to the list' }).click();
  await expect
    .poll(() =>
      page
        .locator('.add-key-sme .field', { has: page.getByLabel('Credit code') })
        .locator('.field-errors')
        .count(),
    )
    .toBe(1);
  expect(await page.locator('.add-key-sme').getByLabel('Name').inputValue()).toBe('Shanghai Gowns Ltd.');

  await codeField.fill(code);
  await page.getByRole('button', { name: 'Add to the list' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe(`Key SME ${code}`);
  await expect.poll(() => page.locator('.key-sme-history tr[data-action="added"]').count()).toBe(1);
  await page.locator('.edit-key-sme').getByLabel('Reason').fill('protective gowns and masks');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect.poll(() => page.locator('.key-sme-history tr[data-action="updated"]').count()).toBe(1);
  await shotBoth('60-admin-key-sme', `重点中小企业 ${code}`);

  await page.getByRole('button', { name: 'Take off the list' }).click();
  await page
    .locator('form', { hasText: `Take ${code} off the list?` })
    .getByRole('button', { name: 'Take off the list' })
    .click();
  await expect.poll(() => page.locator('.key-sme-history tr[data-action="removed"]').count()).toBe(1);
  expect(await page.getByText('Not on the list now.').count()).toBe(1);
  expect((await b.api('GET', `/v1/key-smes/${code}`, adminToken)).status).toBe(404);
  const history = (await b.api('GET', `/v1/key-smes/${code}/history`, adminToken)).body;
  expect(history.map((h: { action: string; reason: string; changedBy: string }) => [h.action, h.reason, h.changedBy])).toEqual([
    ['added', 'protective gowns', 'root'],
    ['updated', 'protective gowns and masks', 'root'],
    ['removed', 'protective gowns and masks', 'root'],
  ]);
});

test('a case stopped on an incident is listed with its reason, and Retry asks it to run its step again', async () => {
  // A case whose data got past the edge (started directly on Temporal): PostgreSQL refuses its projection.
  const stored = await getTemplate(b.stack.db.pool, 'mask-line-fast-track');
  const id = `case-${randomUUID()}`;
  const handle = await b.stack.client.workflow.start(workflowTypeOf('one-stop-approval'), {
    workflowId: id,
    taskQueue: b.stack.config.TEMPORAL_TASK_QUEUE,
    args: [
      {
        caseId: id,
        template: stored!.body,
        templateVersion: stored!.version,
        applicant: { ...applicant, name: 'G \udfff' },
        details: {},
        openedBy: { sub: 'x', name: 'X', roles: ['caseworker'], dept: 'service-centre' },
        priority: false,
      },
    ],
  });
  try {
    const listed = async () => (await b.api('GET', '/v1/incidents', adminToken)).body.find((i: { caseId: string }) => i.caseId === id);
    await expect.poll(listed).toMatchObject({ attempts: 1 });
    await b.signIn('/admin/incidents', ADMIN);
    const row = page.locator(`.incidents tr[data-case="${id}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/22P02|invalid text representation/);
    await row.getByRole('button', { name: `Retry ${id}` }).click();
    await expect.poll(() => page.locator('.incidents .notice').textContent()).toContain(id);
    await expect.poll(listed).toMatchObject({ attempts: 2, retriedBy: 'root' });
    await shotBoth('60-admin-incidents', '因故障暂停的案件');
  } finally {
    await handle.terminate('test finished: this case cannot be closed');
  }
});

test('the admin pages threw no error', () => {
  expect(b.pageErrors).toEqual([]);
});
