/**
 * The applicant's pages in the browser: My cases lists exactly the enterprise's own cases (not
 * another enterprise's), each with its number, where it stands in plain words and its time left (a
 * stopped clock with its reason); the case page says what is asked and by when; Notices lists the
 * notices of the enterprise's cases, each linking to its case. Set up and checked through the API,
 * used only through the page. Screenshots 80-* in English and Chinese (each checked by axe-core).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import { startBrowser, type Browser } from '../support/browser.js';
import { applicant, applicantActor } from '../support/fixtures.js';

let b: Browser;

beforeAll(async () => {
  b = await startBrowser();
});

afterAll(async () => {
  await b?.close();
});

/** Another enterprise, whose case the applicant must not see. */
const OTHER = (() => {
  const first17 = '91310115MA0000077';
  return {
    creditCode: first17 + creditCodeCheckChar(first17),
    name: 'Shanghai Gowns Ltd.',
    contact: { name: 'Li Na', phone: '+86 21 5555 0000', email: 'li@gowns.example' },
  };
})();

const counter = () => b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
const asApplicant = () => b.token({ sub: applicantActor.sub, name: applicantActor.name, roles: ['applicant'], org: applicant.creditCode });

async function open(body: Record<string, unknown>): Promise<string> {
  const r = await b.api('POST', '/v1/cases', await counter(), body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.caseId as string;
}

test("an applicant follows its enterprise's cases in plain words and reads its notices", async () => {
  const page = () => b.page;
  const oneStop = await open({ templateId: 'mask-line-fast-track', applicant, details: { product: 'medical masks', capacityPerDay: 50000 } });
  const claim = await open({
    templateId: 'liability-claim-fast-channel',
    applicant,
    details: {
      policyNumber: 'PL-2020-0001',
      claimedAmount: { amount: 50_000_075, currency: 'CNY' },
      loss: { description: 'production halted by quarantine', occurredAt: '2020-02-01' },
    },
  });
  const others = await open({ templateId: 'mask-line-fast-track', applicant: OTHER, details: { product: 'gowns' } });

  // Health asks the enterprise for a document: the case waits for it, its clock stopped.
  const health = await b.token({ sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' });
  const asked = await b.api('POST', `/v1/cases/${oneStop}/tasks/health/decision`, health, { outcome: 'request-info', requestedDocuments: ['floor plan'] });
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  // The claims desk accepts the claim: a state of the claim's own, said in its own words.
  const desk = await b.token({ sub: 'desk', name: 'Chen Jing', roles: ['caseworker'], dept: 'claims-desk' });
  const accepted = await b.api('POST', `/v1/cases/${claim}/tasks/acknowledge/decision`, desk, { outcome: 'approve' });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const token = await asApplicant();
  // What the list (the cases projection) and the notices say, once written.
  await expect
    .poll(async () => ((await b.api('GET', '/v1/cases', token)).body.items as { caseId: string; status: string }[]).find((c) => c.caseId === oneStop)?.status, {
      timeout: 20_000,
    })
    .toBe('awaiting-supplement');
  await expect
    .poll(async () => ((await b.api('GET', '/v1/cases', token)).body.items as { caseId: string; status: string }[]).find((c) => c.caseId === claim)?.status, {
      timeout: 20_000,
    })
    .toBe('accepted');
  await expect
    .poll(async () => ((await b.api('GET', `/v1/cases/${oneStop}/notifications`, token)).body as { kind: string }[]).map((n) => n.kind), { timeout: 20_000 })
    .toContain('info-requested');
  const listed = (await b.api('GET', '/v1/cases', token)).body.items as { caseId: string; number: string; sla: { supplementDueAt: string | null } }[];
  expect(listed.map((c) => c.caseId).sort()).toEqual([oneStop, claim].sort());
  const numberOf = new Map(listed.map((c) => [c.caseId, c.number]));

  // My cases: exactly the enterprise's own, with their numbers and plain-words states.
  await b.signIn('/', { user: applicantActor.sub, name: applicantActor.name, roles: 'applicant', organisation: applicant.creditCode });
  await expect.poll(() => new URL(page().url()).pathname).toBe('/cases');
  await expect.poll(() => page().getByRole('heading', { name: 'My cases' }).isVisible()).toBe(true);
  const rows = page().locator('table.my-cases tbody tr');
  await expect.poll(() => rows.count()).toBe(2);
  expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case')))).sort()).toEqual([oneStop, claim].sort());
  expect(await page().locator(`tr[data-case="${others}"]`).count()).toBe(0);
  const row = (id: string) => page().locator(`tr[data-case="${id}"]`);
  expect(await row(oneStop).locator('[data-case-number]').textContent()).toBe(numberOf.get(oneStop));
  expect(await row(claim).locator('[data-case-number]').textContent()).toBe(numberOf.get(claim));
  expect(await row(oneStop).locator('[data-summary]').textContent()).toMatch(/^Waiting for you: documents asked by health, due .+/);
  expect(await row(claim).locator('[data-summary]').textContent()).toBe('Claim accepted; being assessed');
  expect(await row(oneStop).locator('[data-time-left]').getAttribute('data-time-left')).toBe('stopped');
  expect(await row(oneStop).locator('[data-time-left]').textContent()).toContain('the clock is stopped while we wait for your documents');
  expect(await row(claim).locator('[data-time-left]').getAttribute('data-time-left')).toBe('running');
  expect(await row(claim).locator('[data-time-left]').textContent()).toMatch(/ left \(due /);
  expect(await page().getByRole('link', { name: 'Open a case' }).getAttribute('href')).toBe('/cases/new');
  await b.shot('80-my-cases');

  // The case page, opened from the list: where it stands, what is asked and by when.
  await row(oneStop).getByRole('link').click();
  await expect.poll(() => new URL(page().url()).pathname).toBe(`/cases/${oneStop}`);
  const summary = page().locator('section.applicant-summary');
  await expect.poll(() => summary.locator('[data-summary]').textContent()).toMatch(/^Waiting for you: documents asked by health/);
  expect(await summary.locator('[data-asked-task="health"] li').allTextContents()).toEqual(['floor plan']);
  const dueAt = listed.find((c) => c.caseId === oneStop)!.sla.supplementDueAt;
  expect(dueAt).not.toBeNull();
  expect(await summary.locator('[data-supplement-due] time').getAttribute('datetime')).toBe(dueAt);
  expect(await summary.locator('[data-time-left]').textContent()).toContain('the clock is stopped while we wait for your documents');
  await expect.poll(() => page().locator('section.notifications li[data-kind="info-requested"]').count()).toBe(1);
  await b.shot('80-case-applicant-summary');

  // Notices: the enterprise's notices, newest first; a click opens the case.
  await page().getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Notifications' }).click();
  await expect.poll(() => new URL(page().url()).pathname).toBe('/notices');
  const notices = page().locator('table.notices tbody tr');
  await expect.poll(() => notices.count()).toBeGreaterThan(0);
  const expected = [
    ...((await b.api('GET', `/v1/cases/${oneStop}/notifications`, token)).body as { id: string; at: string }[]),
    ...((await b.api('GET', `/v1/cases/${claim}/notifications`, token)).body as { id: string; at: string }[]),
  ];
  expect((await notices.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-notice')))).sort()).toEqual(expected.map((n) => n.id).sort());
  const ats = await notices.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
  expect(ats).toEqual([...ats].sort().reverse());
  expect(await page().locator(`table.notices tr[data-case="${others}"]`).count()).toBe(0);
  await b.shot('80-notices');
  await page().locator('table.notices tr[data-kind="info-requested"]').getByRole('link').click();
  await expect.poll(() => new URL(page().url()).pathname).toBe(`/cases/${oneStop}`);
  await expect.poll(() => page().locator('section.applicant-summary').isVisible()).toBe(true);

  // The same pages in Chinese.
  await b.setLanguage('zh-CN');
  await expect.poll(() => page().locator('section.applicant-summary [data-summary]').textContent()).toMatch(/^等待您补正：health 要求提交材料/);
  await b.shot('80-case-applicant-summary-zh');
  await page().getByRole('navigation', { name: 'main' }).getByRole('link', { name: '通知' }).click();
  await expect.poll(() => page().getByRole('heading', { name: '通知' }).isVisible()).toBe(true);
  await expect.poll(() => notices.count()).toBe(expected.length);
  await b.shot('80-notices-zh');
  await page().getByRole('navigation', { name: 'main' }).getByRole('link', { name: '案件' }).click();
  await expect.poll(() => page().getByRole('heading', { name: '我的案件' }).isVisible()).toBe(true);
  await expect.poll(() => rows.count()).toBe(2);
  expect(await row(oneStop).locator('[data-time-left]').textContent()).toContain('等待您提交材料期间，办理时限暂停计算');
  await b.shot('80-my-cases-zh');
  expect(b.pageErrors).toEqual([]);
});
