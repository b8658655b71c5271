/**
 * An applicant's case list: `GET /v1/cases` shows the cases of the token's enterprise (its `org`)
 * and nothing else, whatever the filters and cursors, with what an applicant may see of each (no
 * contact person, no internal comments). Two enterprises with cases alike in every filter, so
 * that any leak would show.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { applicant, staff } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const ACME = applicant;
const OTHER = { ...applicant, creditCode: '91110000600037341L', name: 'Other Masks Ltd.' };
const acmeUser: Actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: ACME.creditCode };
const otherUser: Actor = { sub: 'other-user', name: 'Li Na', roles: ['applicant'], org: OTHER.creditCode };
const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const auditor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };

/** Each enterprise's cases, by what they are. */
const cases: Record<string, { open: string; rejected: string; project: string; ownOpening: string }> = {};

async function open(as: Actor, forApplicant: typeof ACME, templateId: string): Promise<string> {
  const r = await call('POST', '/v1/cases', { as, body: { templateId, applicant: forApplicant, details: { product: 'masks' } } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.caseId as string;
}

const list = async (as: Actor, query = '') => {
  const r = await call('GET', `/v1/cases?limit=200${query}`, { as });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: any[]; nextCursor: string | null };
};
const ids = (items: { caseId: string }[]) => items.map((c) => c.caseId).sort();

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
  // The other enterprise is a key SME: its cases come first in every queue (a cursor would meet them first).
  expect(
    (await call('PUT', `/v1/key-smes/${OTHER.creditCode}`, { as: { sub: 'root', name: 'Root', roles: ['admin'] }, body: { name: OTHER.name, reason: 'test' } }))
      .status,
  ).toBe(201);
  for (const [key, who, user] of [
    ['acme', ACME, acmeUser],
    ['other', OTHER, otherUser],
  ] as const) {
    const rejected = await open(opener, who, 'mask-line-fast-track');
    const r = await call('POST', `/v1/cases/${rejected}/tasks/health/decision`, { as: staff('health'), body: { outcome: 'reject', comment: 'no floor plan' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    cases[key] = {
      open: await open(opener, who, 'mask-line-fast-track'),
      rejected,
      project: await open(opener, who, 'epidemic-supplies-project'),
      // The enterprise opens one itself.
      ownOpening: await open(user, who, 'mask-line-fast-track'),
    };
    // An internal note, which the enterprise must not see.
    expect((await call('POST', `/v1/cases/${cases[key]!.open}/comments`, { as: auditor, body: { text: 'checked by audit' } })).status).toBe(201);
  }
  // Projections land a moment after each answer: every case, the rejections and the notes.
  await waitFor(
    async () => (await list(auditor)).items,
    (items) => items.length === 8 && items.filter((c) => c.comments.length || c.status === 'rejected').length === 4,
  );
});
afterAll(async () => {
  await stack?.teardown();
});

const all = (key: string) => Object.values(cases[key]!).sort();

describe("an applicant's case list", () => {
  test("lists exactly its own enterprise's cases, as an applicant may see them", async () => {
    for (const [user, key] of [
      [acmeUser, 'acme'],
      [otherUser, 'other'],
    ] as const) {
      const page = await list(user);
      expect(ids(page.items)).toEqual(all(key));
      expect(page.nextCursor).toBeNull();
      for (const c of page.items) {
        expect(c.applicant.creditCode).toBe(user.org);
        expect(c.applicant).not.toHaveProperty('contact');
        expect(c.comments).toEqual([]);
      }
    }
    // The auditor sees both, with the contact person and the note.
    const everything = await list(auditor);
    expect(ids(everything.items)).toEqual([...all('acme'), ...all('other')].sort());
    expect(everything.items.find((c) => c.caseId === cases.acme!.open).comments).toHaveLength(1);
  });

  test('filters narrow its own cases and never reach another enterprise', async () => {
    const acme = cases.acme!;
    expect(ids((await list(acmeUser, '&status=rejected')).items)).toEqual([acme.rejected]);
    expect(ids((await list(acmeUser, '&templateId=epidemic-supplies-project')).items)).toEqual([acme.project]);
    expect(ids((await list(acmeUser, '&status=in-review')).items)).toEqual([acme.open, acme.project, acme.ownOpening].sort());
    expect(ids((await list(acmeUser, '&involves=fire-safety')).items)).toEqual([acme.project]);
    expect(ids((await list(acmeUser, '&dept=health')).items)).toEqual([acme.open, acme.project, acme.ownOpening].sort());
    // Naming the other enterprise, by code or by name, finds nothing; a key SME's cases are not its own.
    expect((await list(acmeUser, `&applicant=${OTHER.creditCode}`)).items).toEqual([]);
    expect((await list(acmeUser, `&applicant=${encodeURIComponent('Other Masks')}`)).items).toEqual([]);
    expect((await list(acmeUser, '&priority=true')).items).toEqual([]);
    expect(ids((await list(otherUser, '&priority=true')).items)).toEqual(all('other'));
  });

  test('pages walk its own cases only, and a cursor naming another enterprise’s case shows none of them', async () => {
    const whole = (await list(acmeUser)).items.map((c) => c.caseId);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call('GET', `/v1/cases?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { as: acmeUser });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      walked.push(...r.body.items.map((c: any) => c.caseId));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(whole);

    // A cursor is only a position: one built from the other enterprise's first case (priority,
    // deadline, id) goes on with Acme's cases after that position, and shows none of the other's.
    const theirs = (await list(otherUser)).items[0];
    const crafted = `1.${Date.parse(theirs.sla.deadlineAt)}.${theirs.caseId}`;
    const after = await list(acmeUser, `&cursor=${crafted}`);
    expect(ids(after.items)).toEqual(all('acme'));
    expect(after.items.every((c) => c.applicant.creditCode === ACME.creditCode)).toBe(true);
  });

  test('a token without an enterprise, or of an enterprise with no cases, lists nothing; another’s case is 404', async () => {
    expect((await list({ sub: 'nobody', name: 'Nobody', roles: ['applicant'] })).items).toEqual([]);
    expect((await list({ sub: 'third', name: 'Third', roles: ['applicant'], org: '91440300MA5DEKQE51' })).items).toEqual([]);
    const r = await call('GET', `/v1/cases/${cases.other!.open}`, { as: acmeUser });
    expect(r.status).toBe(404);
  });

  test('a token with both roles sees the union: its enterprise’s cases and those involving its department', async () => {
    // A department on none of the cases: just the enterprise's, and no contact person (not involved).
    const uninvolved: Actor = { sub: 'both', name: 'Both', roles: ['caseworker', 'applicant'], dept: 'finance', org: ACME.creditCode };
    const mine = await list(uninvolved);
    expect(ids(mine.items)).toEqual(all('acme'));
    expect(mine.items.every((c) => !('contact' in c.applicant))).toBe(true);
    // Fire safety is on each enterprise's project case only.
    const fire: Actor = { ...uninvolved, dept: 'fire-safety' };
    expect(ids((await list(fire)).items)).toEqual([...all('acme'), cases.other!.project].sort());
  });
});
