/**
 * A claim's whole life through the browser, each step by the person whose step it is, signed in
 * with the development form: the service centre opens the claim (through the API, as its counter
 * system would); the claims desk accepts it; the adjuster proposes an advance typed in yuan (one
 * above the cap first: the 409 is shown and the typed amount kept), above the approval threshold;
 * the proposer, signed in to the approver department, is refused the approval (four eyes); a
 * supervisor of that department approves it with a double click, and the advance is paid once; the
 * adjuster assesses the loss (one above the claim first) with a double click, and the remainder is
 * paid once, and both notices are listed as decision documents whose PDFs download. Every outcome
 * is checked through the API and the payments ledger; the claim page is photographed at each
 * stage in English and Chinese (axe-core checks each shot).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowser, type Browser, type Person } from '../support/browser.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;

beforeAll(async () => {
  b = await startBrowser();
});

afterAll(async () => {
  await b?.close();
});

/** The built-in template's departments (processes/claim-prepayment/builtin/liability-claim-fast-channel.json). */
const desk: Person = { user: 'desk', name: 'Chen Jing', roles: 'caseworker', department: 'claims-desk' };
const adjuster: Person = { user: 'li', name: 'Li Na', roles: 'caseworker', department: 'claims-adjusting' };
const chief: Person = { user: 'chief', name: 'Zhou Qiang', roles: 'supervisor', department: 'claims-supervision' };

/** 300,000.00 CNY claimed: the cap is half, 150,000.00; above 100,000.00 a supervisor approves. */
const CLAIMED = 30_000_000;
const cny = (amount: number) => ({ amount, currency: 'CNY' });

const card = (taskId: string) => b.page.locator(`li.task[data-task="${taskId}"]`);
const panel = () => b.page.locator('[data-panel="claim-prepayment"]');

/** The claim as the API holds it (read by an auditor, who may read every case). */
async function claimNow(caseId: string): Promise<any> {
  const token = await b.token({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] });
  const r = await b.api('GET', `/v1/cases/${caseId}`, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** The payments ledger itself: one row per payment actually made. */
async function ledger(caseId: string): Promise<{ purpose: string; amount: number }[]> {
  const { rows } = await b.stack.db.pool.query('SELECT purpose, amount::int AS amount FROM payments WHERE case_id = $1 ORDER BY paid_at, purpose', [caseId]);
  return rows;
}

/** The claim page photographed as it stands, in English and in Chinese (then back to English, which the steps drive). */
async function shots(name: string) {
  // The page has loaded the case, and the panel the template version it runs under (its rules).
  await expect.poll(() => panel().locator('[data-section="prepayment"]').textContent()).toContain('50%');
  await b.shot(`30-${name}`);
  await b.setLanguage('zh-CN');
  await expect.poll(() => panel().locator('h2').textContent()).toBe('理赔与预付');
  await expect.poll(() => panel().locator('[data-section="prepayment"]').textContent()).toContain('索赔金额');
  await b.shot(`30-${name}-zh`);
  await b.setLanguage('en');
}

/** Opens a claim at the service centre (through the API, as its counter system would); its case id. */
async function openClaim(claimed: number): Promise<string> {
  const opener = await b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const opened = await b.api('POST', '/v1/cases', opener, {
    templateId: 'liability-claim-fast-channel',
    applicant,
    details: {
      policyNumber: 'PL-2020-000777',
      claimedAmount: cny(claimed),
      loss: { description: 'production halted for 21 days by the quarantine order', occurredAt: '2020-02-01' },
    },
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  return opened.body.caseId as string;
}

/** Counts the decision requests the page has sent and that are still under way. */
function decisionRequests() {
  const counts = { sent: 0, settled: 0 };
  const isDecision = (url: string) => /\/tasks\/[^/]+\/decision$/.test(new URL(url).pathname);
  b.page.on('request', (r) => isDecision(r.url()) && counts.sent++);
  b.page.on('requestfinished', (r) => isDecision(r.url()) && counts.settled++);
  b.page.on('requestfailed', (r) => isDecision(r.url()) && counts.settled++);
  return counts;
}

/** Double-clicks a task's Approve and waits until every request it sent has been answered. */
async function doubleClickApprove(taskId: string, requests: { sent: number; settled: number }) {
  const sentBefore = requests.sent;
  await card(taskId).getByRole('button', { name: 'Approve', exact: true }).dblclick();
  await expect.poll(() => requests.sent).toBeGreaterThan(sentBefore);
  await expect.poll(() => requests.settled).toBe(requests.sent);
}

test('a claim from opening to settlement in the browser, each step by its own person', async () => {
  const requests = decisionRequests();

  const caseId = await openClaim(CLAIMED);

  // The claims desk accepts it.
  await b.signIn(`/cases/${caseId}`, desk);
  await expect.poll(() => panel().locator('[data-section="acknowledgement"]').textContent()).toContain('Not accepted yet');
  await expect.poll(() => panel().locator('[data-section="prepayment"]').textContent()).toContain('CN¥150,000.00');
  await expect.poll(() => panel().locator('[data-section="prepayment"]').textContent()).toContain('at most 50% of the claimed CN¥300,000.00');
  await shots('claim-in-review');
  await card('acknowledge').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => b.page.locator('article.case').getAttribute('data-status')).toBe('accepted');
  let claim = await claimNow(caseId);
  expect(claim.status).toBe('accepted');
  expect(Date.parse(claim.acceptedAt)).toBeGreaterThanOrEqual(Date.parse(claim.openedAt));
  expect(claim.tasks.find((t: any) => t.taskId === 'acknowledge')).toMatchObject({ outcome: 'approve', decidedBy: 'desk' });
  await expect.poll(() => panel().locator('[data-section="acknowledgement"]').textContent()).not.toContain('Not accepted yet');

  // The adjuster proposes one fen above the cap: the page shows the refusal, and the typed amount stays.
  await b.signIn(`/cases/${caseId}`, adjuster);
  const proposal = card('prepayment').getByLabel('Proposed prepayment', { exact: true });
  await proposal.fill('150,000.01');
  await expect.poll(() => card('prepayment').getByTestId('amount-effect').textContent()).toContain('above the cap of CN¥150,000.00');
  await card('prepayment').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => b.page.locator('.problem').first().textContent()).toMatch(/Refused \(409\)[\s\S]*exceeds the cap of 150000\.00 CNY/);
  expect(await proposal.inputValue()).toBe('150,000.01');
  claim = await claimNow(caseId);
  expect(claim.status).toBe('accepted');
  expect(claim.prepayment).toMatchObject({ cap: cny(15_000_000), proposed: null, proposedBy: null });
  expect(claim.payments).toEqual([]);
  await shots('claim-cap-refused');

  // No advance is not a zero advance: the 400 is shown, the typed amount stays, nothing is proposed.
  await proposal.fill('0');
  await expect.poll(() => card('prepayment').getByTestId('amount-effect').textContent()).toContain('must be more than zero');
  await card('prepayment').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => b.page.locator('.problem').first().textContent()).toMatch(/Refused \(400\)[\s\S]*approve a positive prepayment/);
  expect(await proposal.inputValue()).toBe('0');
  expect((await claimNow(caseId)).prepayment.proposed).toBeNull();

  // 120,000.50 yuan: above the threshold, so claims supervision must approve it.
  await proposal.fill('120,000.50');
  await expect
    .poll(() => card('prepayment').getByTestId('amount-effect').textContent())
    .toBe('Above the approval threshold of CN¥100,000.00: a second person of claims-supervision must approve this advance before it is paid.');
  await shots('claim-proposal');
  await card('prepayment').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => card('prepayment-approval').count()).toBe(1);
  claim = await claimNow(caseId);
  expect(claim.status).toBe('accepted');
  expect(claim.prepayment).toMatchObject({ proposed: cny(12_000_050), proposedBy: 'li', approvedBy: null, declined: false });
  expect(claim.tasks.find((t: any) => t.taskId === 'prepayment-approval')).toMatchObject({ status: 'open', dept: 'claims-supervision' });
  expect(claim.payments).toEqual([]);
  await expect.poll(() => panel().locator('[data-section="prepayment"]').textContent()).toContain('Awaiting approval by claims-supervision');

  // Four eyes: the proposer, signed in to the approver department, is refused.
  await b.signIn(`/cases/${caseId}`, { ...adjuster, department: 'claims-supervision' });
  await card('prepayment-approval').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => b.page.locator('.problem').first().textContent()).toMatch(/Refused \(403\)[\s\S]*proposed this prepayment/);
  claim = await claimNow(caseId);
  expect(claim.prepayment.approvedBy).toBeNull();
  expect(claim.payments).toEqual([]);
  await shots('claim-four-eyes-refused');

  // A supervisor of claims supervision approves, with a double click: the advance is paid once.
  await b.signIn(`/cases/${caseId}`, chief);
  await shots('claim-awaiting-approval');
  await doubleClickApprove('prepayment-approval', requests);
  await expect.poll(() => b.page.locator('article.case').getAttribute('data-status')).toBe('prepaid');
  claim = await claimNow(caseId);
  expect(claim.status).toBe('prepaid');
  expect(claim.prepayment).toMatchObject({ proposed: cny(12_000_050), proposedBy: 'li', approvedBy: 'chief' });
  expect(claim.payments).toHaveLength(1);
  expect(claim.payments[0]).toMatchObject({
    paymentId: `pay-${caseId}-prepayment`,
    purpose: 'prepayment',
    amount: cny(12_000_050),
    payee: { creditCode: applicant.creditCode, name: applicant.name },
  });
  expect(await ledger(caseId)).toEqual([{ purpose: 'prepayment', amount: 12_000_050 }]);
  const paidRow = panel().locator('table.payments tbody tr[data-purpose="prepayment"]');
  await expect.poll(() => paidRow.count()).toBe(1);
  const paidText = await paidRow.textContent();
  expect(paidText).toContain('CN¥120,000.50');
  expect(paidText).toContain(claim.payments[0].reference);
  expect(paidText).toContain(`pay-${caseId}-prepayment`);
  expect(await panel().locator('[data-section="prepayment"]').textContent()).toContain('Zhou Qiang (chief)');
  await shots('claim-prepaid');

  // The adjuster assesses one fen above the claim (refused, kept), then 250,000.00: the remainder is paid once.
  await b.signIn(`/cases/${caseId}`, adjuster);
  const assessed = card('assessment').getByLabel('Assessed amount', { exact: true });
  await assessed.fill('300000.01');
  await expect.poll(() => card('assessment').getByTestId('amount-effect').textContent()).toContain('above the claimed CN¥300,000.00');
  await card('assessment').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => b.page.locator('.problem').first().textContent()).toMatch(/Refused \(409\)[\s\S]*exceeds the claimed 300000\.00 CNY/);
  expect(await assessed.inputValue()).toBe('300000.01');
  expect((await claimNow(caseId)).status).toBe('prepaid');
  await assessed.fill('250,000.00');
  await expect
    .poll(() => card('assessment').getByTestId('amount-effect').textContent())
    .toBe(`The settlement pays the remaining CN¥129,999.50 to ${applicant.name}.`);
  await shots('claim-assessment');
  await doubleClickApprove('assessment', requests);
  await expect.poll(() => b.page.locator('article.case').getAttribute('data-status')).toBe('settled');
  claim = await claimNow(caseId);
  expect(claim.status).toBe('settled');
  expect(claim.settlement).toEqual({ assessed: cny(25_000_000), prepaid: cny(12_000_050), remainder: cny(12_999_950), recovery: null });
  expect(claim.payments.map((p: any) => [p.purpose, p.amount.amount])).toEqual([
    ['prepayment', 12_000_050],
    ['settlement', 12_999_950],
  ]);
  expect(await ledger(caseId)).toEqual([
    { purpose: 'prepayment', amount: 12_000_050 },
    { purpose: 'settlement', amount: 12_999_950 },
  ]);
  const settlement = await panel().locator('[data-section="settlement"]').textContent();
  expect(settlement).toContain('CN¥250,000.00');
  expect(settlement).toContain('CN¥129,999.50');
  await expect.poll(() => panel().locator('table.payments tbody tr').count()).toBe(2);
  // Both notices are decision documents of the claim, each listed with its number, its PDF a download.
  const auditor = await b.token({ sub: 'audrey', name: 'Audrey', roles: ['auditor'] });
  const notices = (await b.api('GET', `/v1/cases/${caseId}/documents`, auditor)).body as { kind: string; number: string; state: string }[];
  expect(notices.map((d) => [d.kind, d.state])).toEqual([
    ['prepayment-notice', 'valid'],
    ['settlement-notice', 'valid'],
  ]);
  expect(notices[0]!.number).toBe(`pay-${caseId}-prepayment`);
  const issued = b.page.locator('section.card', { has: b.page.getByRole('heading', { name: 'Decision documents', exact: true }) });
  await expect.poll(() => issued.locator('li').count()).toBe(2);
  for (const [i, title] of ['Prepayment notice', 'Settlement notice'].entries()) {
    expect(await issued.locator('li').nth(i).textContent()).toContain(notices[i]!.number);
    const [pdf] = await Promise.all([b.page.waitForEvent('download'), issued.getByRole('button', { name: `Download ${title} (PDF)`, exact: true }).click()]);
    expect(pdf.suggestedFilename()).toBe(`${notices[i]!.kind}-${notices[i]!.number}.pdf`);
    expect(
      readFileSync(await pdf.path())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  }
  await shots('claim-settled');
  expect(b.pageErrors).toEqual([]);
});

test('an advance at the threshold is paid at once, and an assessment below it records the overpayment for recovery', async () => {
  // 200,000.00 CNY claimed: the cap is 100,000.00, the threshold itself.
  const caseId = await openClaim(20_000_000);
  await b.signIn(`/cases/${caseId}`, desk);
  await card('acknowledge').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(async () => (await claimNow(caseId)).status).toBe('accepted');

  await b.signIn(`/cases/${caseId}`, adjuster);
  await card('prepayment').getByLabel('Proposed prepayment', { exact: true }).fill('100000');
  await expect
    .poll(() => card('prepayment').getByTestId('amount-effect').textContent())
    .toBe('At or below the approval threshold of CN¥100,000.00: the advance is paid as soon as you approve.');
  await card('prepayment').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect.poll(() => b.page.locator('article.case').getAttribute('data-status')).toBe('prepaid');
  let claim = await claimNow(caseId);
  expect(claim.tasks.some((t: any) => t.taskId === 'prepayment-approval')).toBe(false);
  expect(claim.prepayment).toMatchObject({ proposed: cny(10_000_000), proposedBy: 'li', approvedBy: null });
  expect(await ledger(caseId)).toEqual([{ purpose: 'prepayment', amount: 10_000_000 }]);

  // With the keyboard alone this time: typed key by key, Approve pressed with Enter.
  await card('assessment').getByLabel('Assessed amount', { exact: true }).focus();
  await b.page.keyboard.type('87,654.32');
  await expect
    .poll(() => card('assessment').getByTestId('amount-effect').textContent())
    .toBe(`The advance exceeds the assessment: CN¥12,345.68 is recorded for recovery from ${applicant.name}.`);
  await card('assessment').getByRole('button', { name: 'Approve', exact: true }).focus();
  await b.page.keyboard.press('Enter');
  await expect.poll(() => b.page.locator('article.case').getAttribute('data-status')).toBe('settled');
  claim = await claimNow(caseId);
  expect(claim.settlement).toMatchObject({
    assessed: cny(8_765_432),
    prepaid: cny(10_000_000),
    remainder: cny(-1_234_568),
    recovery: { caseId, amount: cny(1_234_568) },
  });
  expect(await ledger(caseId)).toEqual([{ purpose: 'prepayment', amount: 10_000_000 }]);
  const settlement = panel().locator('[data-section="settlement"]');
  await expect.poll(() => settlement.textContent()).toContain('CN¥12,345.68');
  expect(await settlement.textContent()).toContain('-CN¥12,345.68');
  await shots('claim-recovery');
  expect(b.pageErrors).toEqual([]);
});
