/**
 * The web app end to end, in headless Chromium (Debian's `chromium`, driven by playwright-core; no
 * browser download) against the real stack on the development secret, as `npm start` runs it:
 * a health caseworker signs in, finds the case in the inbox, claims it and requests information (the
 * clock-stopped mark shows); the applicant supplements a file (uploaded as chosen; it then downloads
 * through the case); health approves, the other departments approve; an auditor reads the timeline
 * with every actor, sees Verify chain report valid and the case's documents intact.
 * Screenshots of every page (1280 px, and 390 px for the inbox and timeline) go to
 * test-artifacts/web/ (git-ignored), each page checked by axe-core first (no serious or critical violation).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApp } from '../../api/app.js';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import { loadConfig } from '../../infra/config.js';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { filedDocument, samplePdf } from '../support/documents.js';
import { applicant } from '../support/fixtures.js';
import { startOidcProvider } from '../support/oidc-provider.js';
import { UNLIMITED, type Stack } from '../support/stack.js';

let browser: Browser;
let stack: Stack;
let page: Page;
let context: BrowserContext;
let caseId: string;

beforeAll(async () => {
  browser = await startBrowser({ archiveIntervalMs: 500 });
  ({ stack, page, context } = browser);
  (globalThis as { pageErrors?: string[] }).pageErrors = browser.pageErrors;
});

afterAll(async () => {
  await browser?.close();
});

// The tests open pages of their own (`page = await context.newPage()`): the harness drives the current one.
const shot = (name: string, width?: number) => Object.assign(browser, { page }).shot(name, width);
const signIn = (at: string, who: Person) => Object.assign(browser, { page }).signIn(at, who);
const devToken = (who: Parameters<Browser['token']>[0]) => browser.token(who);
const apiCall = (method: string, at: string, token: string, body?: unknown) => browser.api(method, at, token, body);

/** Opens a case at the service centre (through the API, as the counter's system would). */
async function openCase(forApplicant: { creditCode: string; name: string; contact?: unknown }, details: Record<string, unknown>): Promise<string> {
  const token = await devToken({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const r = await apiCall('POST', '/v1/cases', token, { templateId: 'mask-line-fast-track', applicant: forApplicant, details });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.caseId as string;
}

/**
 * Uploads samplePdf(label) as `<label>.pdf` with `token` (POST /v1/documents), as a client does
 * before it names the document; the digest. (support/documents.ts uploadDocument signs with the API
 * tests' secret; this stack verifies the development secret its dev-token endpoint signs with.)
 */
async function upload(token: string, label: string): Promise<{ digest: string }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(samplePdf(label))], { type: 'application/pdf' }), `${label}.pdf`);
  const res = await fetch(`${stack.baseUrl}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { digest: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return { digest: body.digest };
}

/** Clicks the button `name` in `scope`, which downloads a file: its name and bytes. */
async function downloadFrom(scope: Page | Locator, name: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), scope.getByRole('button', { name, exact: true }).click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

/** A key SME (priority) enterprise: another valid credit code (GB 32100-2015). */
const KEY_SME = (() => {
  const first17 = '91110108MA0000042';
  return {
    creditCode: first17 + creditCodeCheckChar(first17),
    name: 'Beijing Masks Ltd.',
    contact: { name: 'Wang Fang', phone: '+86 10 6666 0000', email: 'wang@masks.example' },
  };
})();

const taskCard = (taskId: string) => page.locator(`li.task[data-task="${taskId}"]`);

test("a caseworker's and an auditor's day in the browser", async () => {
  // The sign-in page, before anyone is signed in.
  await page.goto(stack.baseUrl + '/');
  await expect.poll(() => page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
  await shot('01-sign-in');

  // Cases opened at the service centre; one for a key SME, which the inbox serves first.
  const admin = await devToken({ sub: 'root', name: 'Admin', roles: ['admin'] });
  expect((await apiCall('PUT', `/v1/key-smes/${KEY_SME.creditCode}`, admin, { name: KEY_SME.name, reason: 'mask maker' })).status).toBe(201);
  caseId = await openCase(applicant, { product: 'medical masks', capacityPerDay: 50000 });
  const priorityCase = await openCase(KEY_SME, { product: 'protective gowns' });

  // Health caseworker: the inbox, Claim.
  await signIn('/', { user: 'hu', name: 'Hu Min', roles: 'caseworker', department: 'health' });
  await expect.poll(() => new URL(page.url()).pathname).toBe('/inbox');
  const row = page.locator(`tr[data-case="${caseId}"][data-task="health"]`);
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
  const first = page.locator('table.inbox tbody tr').first();
  expect(await first.getAttribute('data-case')).toBe(priorityCase);
  expect(await first.locator('.badge.priority').count()).toBe(1);
  await expect.poll(() => row.locator('.countdown').textContent()).toMatch(/\d/);
  await row.getByRole('button', { name: /^Claim/ }).click();
  await expect.poll(() => row.locator('td').nth(4).textContent()).toContain('Hu Min');
  await shot('02-inbox');
  await shot('02-inbox-390', 390);

  // The case page: request information; the clock stops.
  await row.getByRole('link').click();
  await expect.poll(() => new URL(page.url()).pathname).toBe(`/cases/${caseId}`);
  await taskCard('health').getByRole('button', { name: 'Request information', exact: true }).click();
  await taskCard('health').getByLabel('Documents requested (one a line)').fill('floor plan');
  await taskCard('health').getByRole('button', { name: 'Send request' }).click();
  await expect.poll(() => page.locator('.case-head .badge.paused').textContent()).toContain('clock stopped');
  await expect.poll(() => taskCard('ecology').locator('.countdown .paused').count()).toBe(1);
  await shot('03-case-clock-stopped');

  // The applicant supplements the requested document: a file, uploaded as it is chosen.
  await signIn(`/cases/${caseId}`, { user: 'zhang', name: 'Zhang Wei', roles: 'applicant', organisation: applicant.creditCode });
  await page.getByRole('button', { name: 'Supplement', exact: true }).click();
  const asked = 'Documents asked for';
  await page
    .getByLabel(asked, { exact: true })
    .and(page.locator('input[type="file"]'))
    .setInputFiles({ name: 'floor-plan.pdf', mimeType: 'application/pdf', buffer: samplePdf('floor-plan') });
  await expect.poll(() => page.getByRole('list', { name: asked, exact: true }).textContent()).toContain('floor-plan.pdf');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect.poll(() => page.locator('article.case').getAttribute('data-status')).toBe('in-review');
  expect(await page.locator('.case-head .badge.paused').count()).toBe(0);
  // The case records the file as uploaded, and the page offers it by name: it downloads through the case.
  const supplemented = await apiCall('GET', `/v1/cases/${caseId}`, await devToken({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] }));
  expect(supplemented.body.supplements).toEqual([expect.objectContaining({ by: 'zhang', documents: [filedDocument('floor-plan')] })]);
  expect(supplemented.body.supplements[0].documents[0].digest).toMatch(/^[0-9a-f]{64}$/);
  const plan = await downloadFrom(page, 'floor-plan.pdf');
  expect(plan.name).toBe('floor-plan.pdf');
  expect(plan.bytes.equals(samplePdf('floor-plan'))).toBe(true);
  await shot('04-case-applicant');

  // Another health officer cannot decide the task Hu Min holds: the refusal shows its problem details.
  await signIn(`/cases/${caseId}`, { user: 'li', name: 'Li Na', roles: 'caseworker', department: 'health' });
  await expect.poll(() => taskCard('health').getByTestId('assignee').textContent()).toBe('Hu Min');
  await taskCard('health').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => page.locator('.problem').first().textContent()).toMatch(/Refused \(409\)[\s\S]*held by another officer/);
  await shot('04b-case-refused');

  // Health approves; the other departments approve.
  await signIn(`/cases/${caseId}`, { user: 'hu', name: 'Hu Min', roles: 'caseworker', department: 'health' });
  await taskCard('health').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => taskCard('health').locator('.badge.status-decided').count()).toBe(1);
  for (const [dept, user, name] of [
    ['market-regulation', 'ma', 'Ma Jun'],
    ['ecology', 'eco', 'Chen Jie'],
  ] as const) {
    await signIn(`/cases/${caseId}`, { user, name, roles: 'caseworker', department: dept });
    await taskCard(dept).getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => taskCard(dept).locator('.badge.status-decided').count()).toBe(1);
  }
  await expect.poll(() => page.locator('article.case').getAttribute('data-status')).toBe('approved');
  await shot('05-case-approved');

  // The auditor: search, timeline with every actor, Verify chain valid (once the archiver has run).
  await signIn('/', { user: 'audrey', name: 'Audrey Wang', roles: 'auditor' });
  await expect.poll(() => new URL(page.url()).pathname).toBe('/audit');
  await page.getByLabel('Status', { exact: true }).selectOption('approved');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await shot('06-audit-search');
  await page.locator(`tr[data-case="${caseId}"]`).getByRole('link').first().click();
  await expect.poll(() => page.locator('table.timeline tbody tr').count()).toBeGreaterThan(5);
  const actors = await page.locator('table.timeline td.actor').allTextContents();
  for (const name of ['Alice Li', 'Hu Min', 'Zhang Wei', 'Ma Jun', 'Chen Jie']) expect(actors.join('\n')).toContain(name);
  const types = await page.locator('table.timeline tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
  for (const type of ['case-opened', 'task-claimed', 'clock-stopped', 'supplement-filed', 'clock-resumed', 'decision', 'case-closed'])
    expect(types).toContain(type);
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: 'Verify chain', exact: true }).click();
        await page.waitForTimeout(300);
        return page.locator('.verify').getAttribute('data-valid');
      },
      { timeout: 30_000, interval: 1000 },
    )
    .toBe('true');
  expect(await page.locator('.verify').textContent()).toContain('Chain valid');
  // The auditor's check of the case's documents: the supplement's file, stored and intact.
  const checked = await apiCall('GET', `/v1/cases/${caseId}/audit/documents`, await devToken({ sub: 'audrey', name: 'Audrey Wang', roles: ['auditor'] }));
  expect(checked.status, JSON.stringify(checked.body)).toBe(200);
  expect(checked.body).toEqual({
    caseId,
    intact: true,
    documents: [{ ...filedDocument('floor-plan'), filedIn: 'supplements.0.documents.0', stored: true, intact: true }],
  });
  await shot('07-audit-timeline');
  await shot('07-audit-timeline-390', 390);

  // The raw history downloads as JSON.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download raw history (JSON)' }).click()]);
  expect(download.suggestedFilename()).toBe(`${caseId}-history.json`);

  // The dashboard: its figures and the SLA report of the last 30 days (four charts and two tables).
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect.poll(() => page.locator('.chart canvas').count()).toBe(5);
  const slaDept = (dept: string) => page.locator(`table.sla-depts tr[data-dept="${dept}"]`);
  for (const dept of ['ecology', 'health', 'market-regulation']) {
    await expect.poll(() => slaDept(dept).locator('[data-figure="decided"]').textContent()).toBe('1');
    expect(await slaDept(dept).locator('[data-figure="onTimeRate"]').textContent()).toBe('100 %');
    expect(await slaDept(dept).locator('[data-figure="breaches"]').textContent()).toBe('0');
  }
  const maskLine = page.locator('table.sla-templates tr[data-template="mask-line-fast-track"]');
  expect(await maskLine.locator('[data-figure="opened"]').textContent()).toBe('2');
  expect(await maskLine.locator('[data-figure="closed"]').textContent()).toBe('approved 1');
  await shot('08-dashboard');
  // The template filter goes into the address; a template without cases shows a row of zeros and no department.
  await page.getByLabel('Template', { exact: true }).selectOption('epidemic-supplies-project');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect.poll(() => new URL(page.url()).searchParams.get('templateId')).toBe('epidemic-supplies-project');
  await expect.poll(() => page.locator('table.sla-templates tr[data-template="epidemic-supplies-project"] [data-figure="opened"]').textContent()).toBe('0');
  expect(await page.locator('table.sla-depts tbody tr').count()).toBe(0);
  // The CSV of what is shown downloads under the window's name.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV', exact: true }).click()]);
  expect(csv.suggestedFilename()).toMatch(/^sla-report_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.csv$/);
  const lines = readFileSync(await csv.path(), 'utf8').split('\r\n');
  expect(lines[0]).toMatch(/^section,from,to,dept,templateId,decided,/);
  expect(lines[1]).toMatch(/^template,.*,epidemic-supplies-project,/);
  await page.getByLabel('Template', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect.poll(() => slaDept('health').count()).toBe(1);
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect.poll(() => page.locator('h1').first().textContent()).toBe('统计看板');
  await shot('09-dashboard-zh');
  await page.getByLabel('语言').selectOption('en');

  expect((globalThis as { pageErrors?: string[] }).pageErrors).toEqual([]);
});

test('the inbox countdown turns amber under 25 % of the SLA and red once overdue (the browser clock moved on)', async () => {
  const id = await openCase(applicant, { product: 'face shields' });
  page = await context.newPage();
  await page.clock.install();
  await signIn('/inbox', { user: 'hu2', name: 'Hu Min', roles: 'caseworker', department: 'health' });
  const countdown = page.locator(`tr[data-case="${id}"][data-task="health"] .countdown`);
  await expect.poll(() => countdown.getAttribute('data-level')).toBe('ok');
  await page.clock.fastForward('37:00:00'); // 48 h SLA: 11 h left
  await expect.poll(() => countdown.getAttribute('data-level')).toBe('amber');
  await shot('11-inbox-amber');
  await page.clock.fastForward('12:00:00');
  await expect.poll(() => countdown.getAttribute('data-level')).toBe('red');
  expect(await countdown.textContent()).toMatch(/^overdue by/);
});

test('production sign-in: OpenID Connect authorization code with PKCE; the access token reaches the API', async () => {
  const provider = await startOidcProvider({ sub: 'oidc-audrey', name: 'Audrey OIDC', roles: ['auditor'] }, 'onestop-web');
  // The same services behind an API that verifies the provider's tokens (JWKS), as in production.
  const config = loadConfig({
    AUTH_JWKS_URL: provider.jwksUrl,
    AUTH_ISSUER: provider.issuer,
    AUTH_AUDIENCE: provider.audience,
    OIDC_CLIENT_ID: 'onestop-web',
    PAYLOAD_KEYS: stack.config.PAYLOAD_KEYS,
    ...UNLIMITED,
  });
  const app = createApp({ client: stack.client, pool: stack.db.pool, logger: pino({ level: 'silent' }), config });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${origin}/v1/session/dev-token`, { method: 'POST' })).status).toBe(404);
    page = await context.newPage();
    await page.goto(`${origin}/audit`);
    expect(await page.getByLabel('User', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByTestId('me').textContent(), { timeout: 20_000 }).toBe('Audrey OIDC');
    expect(provider.pkceVerified).toBe(1);
    // Back where the sign-in started, with the code and state gone from the address; the API accepted the token.
    expect(new URL(page.url()).pathname).toBe('/audit');
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator(`tr[data-case="${caseId}"]`).count()).toBe(1);
    // Nothing of the token is kept in the browser's storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toMatch(/eyJ/);
    await shot('12-oidc-signed-in');
  } finally {
    await page.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await provider.close();
  }
});

test('a supervisor assigns a task from the inbox; the officer then holds it', async () => {
  const id = await openCase(applicant, { product: 'isolation gowns' });
  page = await context.newPage();
  await signIn('/inbox', { user: 'chief', name: 'Chief Wang', roles: 'supervisor', department: 'health' });
  const row = page.locator(`tr[data-case="${id}"][data-task="health"]`);
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
  await row.getByRole('button', { name: 'Assign', exact: true }).click();
  await row.getByLabel('Assign to (user id)').fill('lin');
  await row.getByLabel('Their name').fill('Lin Fang');
  await row.locator('form').getByRole('button', { name: 'Assign', exact: true }).click();
  await expect.poll(() => page.locator(`tr[data-case="${id}"][data-task="health"] td`).nth(4).textContent()).toContain('Lin Fang');
  await shot('13-inbox-assigned');
  const token = await devToken({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] });
  const view = await apiCall('GET', `/v1/cases/${id}`, token);
  expect(view.body.tasks.find((t: { taskId: string }) => t.taskId === 'health')).toMatchObject({ assignee: 'lin', assigneeName: 'Lin Fang' });
  await page.close();
});

test('the sign-in form works from the keyboard alone', async () => {
  page = await context.newPage();
  await page.goto(stack.baseUrl + '/');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  // The skip link is the first stop and leads to the content, whose first stop is the User field.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent)).toBe('User');
  await page.keyboard.type('kb');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Keyboard User');
  await page.keyboard.press('Tab');
  await page.keyboard.type('auditor');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('me').textContent()).toBe('Keyboard User');
});

test("a claim's details read as a person reads them: money in yuan with two decimals, dates local, nested fields as rows; its evidence a download", async () => {
  const token = await devToken({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const opened = await apiCall('POST', '/v1/cases', token, {
    templateId: 'liability-claim-fast-channel',
    applicant,
    details: {
      policyNumber: 'PL-2020-0001',
      claimedAmount: { amount: 50_000_075, currency: 'CNY' },
      loss: { description: 'production halted by quarantine', occurredAt: '2020-02-01' },
    },
    documents: [await upload(token, 'quarantine-notice')],
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const claimId = opened.body.caseId as string;
  await signIn(`/cases/${claimId}`, { user: 'desk', name: 'Desk Officer', roles: 'caseworker', department: 'claims-desk' });
  const details = page.locator('section.card dl.details').first();
  await expect.poll(() => details.isVisible()).toBe(true);
  // What the API holds, as the page must show it: 50,000,075 fen are ¥500,000.75.
  const read = await apiCall('GET', `/v1/cases/${claimId}`, await devToken({ sub: 'desk', name: 'Desk Officer', roles: ['caseworker'], dept: 'claims-desk' }));
  const { amount, currency } = read.body.details.claimedAmount as { amount: number; currency: string };
  // Formatted as the page formats, in the language it is in (its <html lang>).
  const lang = await page.evaluate(() => document.documentElement.lang);
  const yuan = new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount / 100);
  expect(yuan).toContain('500,000.75');
  const occurred = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date('2020-02-01'));
  expect(await details.locator('.money').first().textContent()).toBe(yuan);
  const text = (await details.textContent()) ?? '';
  expect(text).not.toMatch(/[{}"]/);
  expect(text).toContain('Claimed amount');
  expect(text).toContain('Occurred at');
  expect(text).toContain(occurred);
  // The evidence is the opening's documents: a file, shown by its name under Documents filed, which the desk downloads.
  expect(read.body.documents).toEqual([filedDocument('quarantine-notice')]);
  expect(read.body.details).not.toHaveProperty('evidence');
  const timeline = await apiCall('GET', `/v1/cases/${claimId}/history`, await devToken({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] }));
  expect(timeline.status, JSON.stringify(timeline.body)).toBe(200);
  expect(timeline.body.find((e: { type: string }) => e.type === 'case-opened').details.documents).toEqual([filedDocument('quarantine-notice')]);
  const filed = page.locator('section.card', { has: page.getByRole('heading', { name: 'Documents filed', exact: true }) });
  await expect.poll(() => filed.getByRole('button').allTextContents()).toEqual(['quarantine-notice.pdf']);
  const notice = await downloadFrom(filed, 'quarantine-notice.pdf');
  expect(notice.name).toBe('quarantine-notice.pdf');
  expect(notice.bytes.equals(samplePdf('quarantine-notice'))).toBe(true);
  await shot('14-case-claim-details');
});
