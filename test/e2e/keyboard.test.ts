/**
 * Deciding from the keyboard alone, on the case page: a caseworker reaches the task's actions with
 * Tab (every stop visibly focused), rejects with a reason the API refuses (over its length: the
 * page shows the refusal and keeps every character typed), shortens it, and the rejection is
 * recorded; another department approves with Enter. Outcomes are checked through the API.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBrowser, type Browser } from '../support/browser.js';
import { applicant } from '../support/fixtures.js';

let b: Browser;
let page: Page;

beforeAll(async () => {
  b = await startBrowser();
  page = b.page;
});
afterAll(async () => {
  await b?.close();
});

/** What has the focus: its text or its label, and whether a focus ring is drawn around it. */
const focused = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: '', ring: false };
    const label = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
    const style = getComputedStyle(el);
    return { name: (label || el.textContent || '').trim(), ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 };
  });

/** Presses Tab until the control named `name` inside `within` has the focus (at most `max` presses). */
async function tabTo(name: string, within: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate((sel) => !!document.activeElement?.closest(sel), within);
    const f = await focused();
    if (here && f.name === name) {
      expect(f.ring, `a visible focus ring on ${name}`).toBe(true);
      return;
    }
  }
  throw new Error(`${name} in ${within} not reached with ${max} presses of Tab`);
}

test('a task is rejected and another approved with the keyboard alone; a refused reason is kept as typed', async () => {
  const opener = await b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const opened = await b.api('POST', '/v1/cases', opener, { templateId: 'mask-line-fast-track', applicant, details: { product: 'medical masks' } });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const caseId = opened.body.caseId as string;
  const health = `li.task[data-task="health"]`;

  await b.signIn(`/cases/${caseId}`, { user: 'hu', name: 'Hu Min', roles: 'caseworker', department: 'health' });
  await page.locator(health).waitFor();
  await tabTo('Reject', health);
  await page.keyboard.press('Enter');
  const reason = page.locator(health).getByLabel('Reason for rejection', { exact: true });
  // The form opens with the focus in its first field.
  await expect.poll(() => focused().then((f) => f.name)).toBe('Reason for rejection');
  // The API bounds a comment at 4,000 characters: the refusal is shown and nothing typed is lost.
  const tooLong = `Floor plan missing. ${'x'.repeat(4000)}`;
  await page.keyboard.insertText(tooLong);
  await tabTo('Confirm rejection', health);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('.problem[role="alert"]').textContent()).toContain('400');
  expect(await reason.inputValue()).toBe(tooLong);
  // …and said at the field it is about, which announces it.
  expect(await reason.getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator(health).locator('.field-error').textContent()).toContain('at most 4000 characters');
  expect((await b.api('GET', `/v1/cases/${caseId}`, opener)).body.tasks.find((t: any) => t.taskId === 'health').status).toBe('open');
  await b.shot('15-case-refused-reason-kept');

  await reason.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText('Floor plan missing.');
  await tabTo('Confirm rejection', health);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await b.api('GET', `/v1/cases/${caseId}`, opener)).body.status).toBe('rejected');
  const decided = (await b.api('GET', `/v1/cases/${caseId}`, opener)).body;
  expect(decided.tasks.find((t: any) => t.taskId === 'health')).toMatchObject({ outcome: 'reject', comment: 'Floor plan missing.', decidedBy: 'hu' });
});

test('approving with Enter from the keyboard records the approval', async () => {
  const opener = await b.token({ sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' });
  const opened = await b.api('POST', '/v1/cases', opener, { templateId: 'mask-line-fast-track', applicant, details: { product: 'gowns' } });
  expect(opened.status).toBe(201);
  const caseId = opened.body.caseId as string;
  const ecology = `li.task[data-task="ecology"]`;
  await b.signIn(`/cases/${caseId}`, { user: 'eco', name: 'Eco Officer', roles: 'caseworker', department: 'ecology' });
  await page.locator(ecology).waitFor();
  await tabTo('Approve', ecology);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await b.api('GET', `/v1/cases/${caseId}`, opener)).body.tasks.find((t: any) => t.taskId === 'ecology').outcome)
    .toBe('approve');
  // The page shows it from the decision's answer, a moment after the API records it.
  await expect.poll(() => page.locator(`${ecology} .badge`).first().textContent()).toBe('decided');
});
