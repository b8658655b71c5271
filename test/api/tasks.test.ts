/**
 * Task work against the real stack: the inbox's order, filters and pages; claiming, releasing and
 * assigning with their conflicts and rules; comments; all of it on the auditor's timeline; and the
 * corrected `dept` filter of the case list.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { listOpenTasks } from '../../db/tasks.js';
import { applicant, applicantActor } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const hu: Actor = { sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' };
const lin: Actor = { sub: 'lin', name: 'Lin Fang', roles: ['caseworker'], dept: 'health' };
const chief: Actor = { sub: 'chief', name: 'Chief Wang', roles: ['supervisor'], dept: 'health' };
const eco: Actor = { sub: 'eco', name: 'Eco Officer', roles: ['caseworker'], dept: 'ecology' };
const auditor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };
const admin: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };
const KEY_SME = '91110000600037341L';

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}
async function refused(p: Promise<{ status: number; body: any }>, status: number, detail?: RegExp) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  if (detail) expect(r.body.detail).toMatch(detail);
}

/** A one-stop template whose health task has its own SLA (so tasks fall due in a known order). */
async function deployTemplate(id: string, healthSla: string, caseSla = 'PT48H') {
  await ok(
    call('POST', '/v1/templates', {
      as: admin,
      body: {
        id,
        title: `Inbox ${id}`,
        kind: 'one-stop-approval',
        sla: caseSla,
        departments: [
          { dept: 'health', title: 'Hygiene', sla: healthSla },
          { dept: 'ecology', title: 'Filing' },
        ],
      },
    }),
    201,
  );
}

async function open(templateId: string, who = applicant): Promise<string> {
  return (await ok(call('POST', '/v1/cases', { as: opener, body: { templateId, applicant: who, details: {} } }), 201)).caseId;
}

const task = (view: any, taskId = 'health') => view.tasks.find((t: any) => t.taskId === taskId);
const decide = (caseId: string, as: Actor, body: Record<string, unknown>, taskId = 'health') =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body });
const inbox = (as: Actor, query = '') => call('GET', `/v1/tasks${query}`, { as });
/** The health inbox once every case named is projected, keeping only those cases' tasks. */
async function healthInbox(caseIds: string[], query = '') {
  const page = await waitFor(
    async () => (await ok(inbox(hu, query))).items as any[],
    (items) => caseIds.every((id) => items.some((t) => t.caseId === id)),
  );
  return page.filter((t) => caseIds.includes(t.caseId));
}

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
  await deployTemplate('inbox-two-hours', 'PT2H');
  await deployTemplate('inbox-one-hour', 'PT1H');
  await ok(call('PUT', `/v1/key-smes/${KEY_SME}`, { as: admin, body: { name: 'Key SME', reason: 'masks' } }), 201);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('the inbox', () => {
  let twoHours: string, oneHourPaused: string, ordinary: string, priority: string;

  beforeAll(async () => {
    ordinary = await open('mask-line-fast-track'); // health due in 48 h
    twoHours = await open('inbox-two-hours'); // health due in 2 h
    oneHourPaused = await open('inbox-one-hour'); // health due in 1 h, then the clock stops
    await ok(decide(oneHourPaused, eco, { outcome: 'request-info', requestedDocuments: ['emissions report'] }, 'ecology'));
    priority = await open('mask-line-fast-track', { ...applicant, creditCode: KEY_SME, name: 'Key SME Co.' });
  });

  test('priority first, then the soonest due; every item carries what the inbox shows', async () => {
    const items = await healthInbox([ordinary, twoHours, oneHourPaused, priority]);
    expect(items.map((t) => t.caseId)).toEqual([priority, oneHourPaused, twoHours, ordinary]);
    const paused = items.find((t) => t.caseId === oneHourPaused);
    expect(paused).toMatchObject({
      taskId: 'health',
      dept: 'health',
      title: 'Hygiene',
      paused: true,
      assignee: null,
      priority: false,
      slaMs: 3600_000,
      templateId: 'inbox-one-hour',
      caseTitle: 'Inbox inbox-one-hour',
      applicantName: applicant.name,
      escalationLevel: 0,
      breached: false,
    });
    expect(paused.remainingMs).toBeGreaterThan(3500_000);
    expect(paused.remainingMs).toBeLessThanOrEqual(3600_000);
    const running = items.find((t) => t.caseId === twoHours);
    expect(Math.abs(Date.parse(running.dueAt) - Date.now() - running.remainingMs)).toBeLessThan(5000);
    expect(items.find((t) => t.caseId === priority)).toMatchObject({ priority: true, applicantName: 'Key SME Co.' });
  });

  test('a stopped task keeps its remaining time: hours later it sorts after tasks that ran on', async () => {
    // The queue's order read as of five hours from now: the stopped task still has about an hour
    // left, the two-hour task is overdue, the 48-hour one still has 43 hours.
    const later = new Date(Date.now() + 5 * 3600_000);
    const page = await listOpenTasks(stack.db.pool, { dept: 'health', limit: 200 }, later);
    const order = page.items.filter((t) => [ordinary, twoHours, oneHourPaused].includes(t.caseId)).map((t) => t.caseId);
    expect(order).toEqual([twoHours, oneHourPaused, ordinary]);
    const stopped = page.items.find((t) => t.caseId === oneHourPaused)!;
    expect(stopped.remainingMs).toBeGreaterThan(3500_000);
    expect(page.items.find((t) => t.caseId === twoHours)!.remainingMs).toBeLessThan(-2.9 * 3600_000);
  });

  test('filters: paused, priority, template, due before, assignee', async () => {
    const ids = [ordinary, twoHours, oneHourPaused, priority];
    await healthInbox(ids);
    const only = async (query: string) => (await ok(inbox(hu, query))).items.filter((t: any) => ids.includes(t.caseId)).map((t: any) => t.caseId);
    expect(await only('?paused=true')).toEqual([oneHourPaused]);
    expect(await only('?priority=true')).toEqual([priority]);
    expect(await only('?templateId=inbox-two-hours')).toEqual([twoHours]);
    expect(await only(`?dueBefore=${encodeURIComponent(new Date(Date.now() + 3 * 3600_000).toISOString())}`)).toEqual([oneHourPaused, twoHours]);

    await ok(call('POST', `/v1/cases/${twoHours}/tasks/health/claim`, { as: hu }));
    await waitFor(
      () => only('?assignee=me'),
      (v) => v.length === 1,
    );
    expect(await only('?assignee=me')).toEqual([twoHours]);
    expect(await only('?assignee=hu')).toEqual([twoHours]);
    expect(await only('?assignee=none')).toEqual([priority, oneHourPaused, ordinary]);
    expect((await ok(inbox(lin, '?assignee=me'))).items.filter((t: any) => ids.includes(t.caseId))).toEqual([]);
    await ok(call('POST', `/v1/cases/${twoHours}/tasks/health/release`, { as: hu }));
  });

  test('pages follow one another without gaps or repeats', async () => {
    const all = (await ok(inbox(hu, '?limit=200'))).items.map((t: any) => `${t.caseId}/${t.taskId}`);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ok(inbox(hu, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.items.map((t: any) => `${t.caseId}/${t.taskId}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  test("another department's queue is 403; a bad cursor 400; applicants and auditors have no inbox", async () => {
    await refused(inbox(hu, '?dept=ecology'), 403);
    await refused(inbox(hu, '?cursor=nonsense'), 400, /cursor/);
    await refused(inbox(applicantActor), 403);
    await refused(inbox(auditor), 403);
    // Ecology's own queue holds its tasks, and not the one waiting for the supplement it asked for.
    const ecology = (await ok(inbox(eco))).items.filter((t: any) => [ordinary, oneHourPaused].includes(t.caseId));
    expect(ecology.map((t: any) => t.caseId)).toEqual([ordinary]);
  });
});

describe('claiming, releasing and assigning', () => {
  test('a claimed task is decided by its holder; others get 409; release is the holder’s or a supervisor’s', async () => {
    const id = await open('mask-line-fast-track');
    const claimed = await ok(call('POST', `/v1/cases/${id}/tasks/health/claim`, { as: hu }));
    expect(task(claimed)).toMatchObject({ assignee: 'hu', assigneeName: 'Hu Min', status: 'open' });
    // Claiming again is harmless; someone else's claim or decision is a conflict.
    await ok(call('POST', `/v1/cases/${id}/tasks/health/claim`, { as: hu }));
    await refused(call('POST', `/v1/cases/${id}/tasks/health/claim`, { as: lin }), 409, /held by another officer/);
    await refused(decide(id, lin, { outcome: 'approve' }), 409, /held by another officer/);
    // Only a caseworker of the task's department claims; a supervisor assigns instead.
    await refused(call('POST', `/v1/cases/${id}/tasks/health/claim`, { as: eco }), 403);
    await refused(call('POST', `/v1/cases/${id}/tasks/health/release`, { as: lin }), 403, /released by the officer who holds it/);
    await refused(call('POST', `/v1/cases/${id}/tasks/ecology/release`, { as: eco }), 409, /nobody holds/);
    await refused(call('POST', `/v1/cases/${id}/tasks/nope/claim`, { as: hu }), 404);

    const released = await ok(call('POST', `/v1/cases/${id}/tasks/health/release`, { as: chief }));
    expect(task(released)).toMatchObject({ assignee: null, assigneeName: null });
    await ok(call('POST', `/v1/cases/${id}/tasks/health/claim`, { as: lin }));
    const decided = await ok(decide(id, lin, { outcome: 'approve', comment: 'in order' }));
    expect(task(decided)).toMatchObject({ status: 'decided', outcome: 'approve', decidedBy: 'lin', assignee: 'lin' });
    await refused(call('POST', `/v1/cases/${id}/tasks/health/claim`, { as: hu }), 409, /not open/);

    const timeline = await ok(call('GET', `/v1/cases/${id}/history`, { as: auditor }));
    const work = timeline.filter((e: any) => e.type.startsWith('task-')).map((e: any) => [e.type, e.actor.sub, e.taskId]);
    expect(work).toEqual([
      ['task-claimed', 'hu', 'health'],
      ['task-claimed', 'hu', 'health'],
      ['task-released', 'chief', 'health'],
      ['task-claimed', 'lin', 'health'],
    ]);
  });

  test('a supervisor assigns; the assignee decides, and so may the supervisor', async () => {
    const id = await open('mask-line-fast-track');
    await refused(call('POST', `/v1/cases/${id}/tasks/health/assign`, { as: hu, body: { assignee: 'lin' } }), 403);
    await refused(call('POST', `/v1/cases/${id}/tasks/ecology/assign`, { as: chief, body: { assignee: 'lin' } }), 403, /supervisor of department ecology/);
    await refused(call('POST', `/v1/cases/${id}/tasks/health/assign`, { as: chief, body: {} }), 400);
    const assigned = await ok(call('POST', `/v1/cases/${id}/tasks/health/assign`, { as: chief, body: { assignee: 'lin', assigneeName: 'Lin Fang' } }));
    expect(task(assigned)).toMatchObject({ assignee: 'lin', assigneeName: 'Lin Fang' });
    await refused(decide(id, hu, { outcome: 'approve' }), 409, /held by another officer/);
    const byChief = await ok(decide(id, chief, { outcome: 'approve' }));
    expect(task(byChief)).toMatchObject({ outcome: 'approve', decidedBy: 'chief' });
    const entry = (await ok(call('GET', `/v1/cases/${id}/history`, { as: auditor }))).find((e: any) => e.type === 'task-assigned');
    expect(entry).toMatchObject({ actor: { sub: 'chief', dept: 'health' }, taskId: 'health', details: { assignee: 'lin', assigneeName: 'Lin Fang' } });
  });

  test('four eyes: whoever may not decide a task may not claim it or be assigned it (403 problem)', async () => {
    const id = await open('mask-line-fast-track');
    const problem = async (p: Promise<{ status: number; body: any; headers: Headers }>, detail: RegExp) => {
      const r = await p;
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 403, type: expect.any(String), title: expect.any(String), detail: expect.stringMatching(detail) });
    };
    // The opener, also a caseworker of health: refused as the decision is.
    await problem(
      call('POST', `/v1/cases/${id}/tasks/health/claim`, { as: { ...opener, dept: 'health' } }),
      /four eyes: you are the person who opened this case/,
    );
    await problem(
      call('POST', `/v1/cases/${id}/tasks/health/assign`, { as: chief, body: { assignee: opener.sub, assigneeName: opener.name } }),
      /four eyes: Alice Li \(alice\) is the person who opened this case/,
    );
    expect(task(await ok(call('GET', `/v1/cases/${id}`, { as: hu })))).toMatchObject({ assignee: null });
    const assigned = await ok(call('POST', `/v1/cases/${id}/tasks/health/assign`, { as: chief, body: { assignee: 'lin', assigneeName: 'Lin Fang' } }));
    expect(task(assigned)).toMatchObject({ assignee: 'lin' });
  });
});

describe('comments', () => {
  test('the departments on the case and auditors comment; applicants do not see them; the timeline has them', async () => {
    const id = await open('mask-line-fast-track');
    const first = await ok(call('POST', `/v1/cases/${id}/comments`, { as: hu, body: { text: 'waiting on the lab', taskId: 'health' } }), 201);
    expect(first.comments).toEqual([{ at: expect.any(String), by: 'hu', byName: 'Hu Min', text: 'waiting on the lab', taskId: 'health' }]);
    const second = await ok(call('POST', `/v1/cases/${id}/comments`, { as: auditor, body: { text: 'sampled for review' } }), 201);
    expect(second.comments.map((c: any) => [c.by, c.taskId])).toEqual([
      ['hu', 'health'],
      ['audrey', null],
    ]);
    await refused(call('POST', `/v1/cases/${id}/comments`, { as: applicantActor, body: { text: 'hello' } }), 403);
    await refused(call('POST', `/v1/cases/${id}/comments`, { as: { ...hu, dept: 'finance' }, body: { text: 'x' } }), 404);
    await refused(call('POST', `/v1/cases/${id}/comments`, { as: hu, body: { text: 'x', taskId: 'nope' } }), 404);
    await refused(call('POST', `/v1/cases/${id}/comments`, { as: hu, body: { text: '   ' } }), 400);
    // A retried comment (same Idempotency-Key) is recorded once.
    const key = { 'idempotency-key': `comment-${id}` };
    await ok(call('POST', `/v1/cases/${id}/comments`, { as: hu, body: { text: 'once' }, headers: key }), 201);
    const again = await ok(call('POST', `/v1/cases/${id}/comments`, { as: hu, body: { text: 'once' }, headers: key }), 201);
    expect(again.comments.filter((c: any) => c.text === 'once')).toHaveLength(1);

    expect((await ok(call('GET', `/v1/cases/${id}`, { as: applicantActor }))).comments).toEqual([]);
    expect((await ok(call('GET', `/v1/cases/${id}`, { as: eco }))).comments).toHaveLength(3);
    const timeline = await ok(call('GET', `/v1/cases/${id}/history`, { as: auditor }));
    expect(timeline.filter((e: any) => e.type === 'comment').map((e: any) => [e.actor.sub, e.taskId ?? null, e.details.text])).toEqual([
      ['hu', 'health', 'waiting on the lab'],
      ['audrey', null, 'sampled for review'],
      ['hu', null, 'once'],
    ]);
  });
});

describe('the case list', () => {
  test('dept= means an open task of the department; involves= any task, ever', async () => {
    const decided = await open('mask-line-fast-track');
    await ok(decide(decided, hu, { outcome: 'approve' }));
    const pending = await open('mask-line-fast-track');
    const list = async (query: string) =>
      (await ok(call('GET', `/v1/cases?limit=200&${query}`, { as: auditor }))).items
        .map((c: any) => c.caseId)
        .filter((c: string) => [decided, pending].includes(c));
    await waitFor(
      () => list('dept=health'),
      (v) => v.length === 1,
    );
    expect(await list('dept=health')).toEqual([pending]);
    expect((await list('involves=health')).sort()).toEqual([decided, pending].sort());
    expect((await list('dept=ecology')).sort()).toEqual([decided, pending].sort());
  });

  test('auditors search by applicant (code or part of the name) and by opening date', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    const id = await open('mask-line-fast-track', { ...applicant, name: 'Zhejiang Searchable Gowns Ltd' });
    const list = async (query: string) => (await ok(call('GET', `/v1/cases?limit=200&${query}`, { as: auditor }))).items.map((c: any) => c.caseId);
    await waitFor(
      () => list('applicant=searchable%20gowns'),
      (v) => v.includes(id),
    );
    expect(await list(`applicant=${applicant.creditCode}`)).toContain(id);
    expect(await list('applicant=no-such-name')).not.toContain(id);
    expect(await list(`openedAfter=${encodeURIComponent(before)}`)).toContain(id);
    expect(await list(`openedBefore=${encodeURIComponent(before)}`)).not.toContain(id);
    await refused(call('GET', '/v1/cases?openedAfter=yesterday', { as: auditor }), 400);
  });
});

describe('escalated tasks', () => {
  /** A one-stop template whose health task (an hour) climbs `ladder` within seconds: 0.001 of an hour is 3.6 s. */
  async function deployLadder(id: string, ladder: { at: number; action: string }[]) {
    await ok(
      call('POST', '/v1/templates', {
        as: admin,
        body: {
          id,
          title: `Ladder ${id}`,
          kind: 'one-stop-approval',
          sla: 'PT48H',
          escalation: ladder,
          departments: [{ dept: 'health', title: 'Hygiene', sla: 'PT1H' }],
        },
      }),
      201,
    );
  }
  const steps = (caseId: string) =>
    waitFor(
      async () => (await ok(call('GET', `/v1/cases/${caseId}`, { as: chief }))).escalations as any[],
      (e) => e.length > 0,
    );
  let toSupervisor: string, toCommandCentre: string, remindedOnly: string, quiet: string;

  beforeAll(async () => {
    await deployLadder('ladder-supervisor', [
      { at: 0.001, action: 'reminder' },
      { at: 0.0015, action: 'supervisor' },
    ]);
    await deployLadder('ladder-command-centre', [{ at: 0.001, action: 'command-center' }]);
    await deployLadder('ladder-reminder', [{ at: 0.001, action: 'reminder' }]);
    [toSupervisor, toCommandCentre, remindedOnly, quiet] = await Promise.all([
      open('ladder-supervisor'),
      open('ladder-command-centre'),
      open('ladder-reminder'),
      open('mask-line-fast-track'),
    ]);
    await waitFor(
      async () => (await ok(call('GET', `/v1/cases/${toSupervisor}`, { as: chief }))).escalations.length,
      (n) => n === 2,
    );
    await Promise.all([steps(toCommandCentre), steps(remindedOnly)]);
  }, 30_000);

  const escalated = async (to: string) => {
    const ids = [toSupervisor, toCommandCentre, remindedOnly, quiet];
    return (await ok(inbox(chief, `?escalatedTo=${to}&limit=200`))).items.filter((t: any) => ids.includes(t.caseId));
  };

  test('escalatedTo=supervisor lists the tasks the ladder took to the supervisor or beyond, with the step reached and when', async () => {
    const items = await waitFor(
      () => escalated('supervisor'),
      (v) => v.length === 2 && v.some((t: any) => t.caseId === toSupervisor && t.escalationLevel === 2),
    );
    expect(items.map((t: any) => t.caseId).sort()).toEqual([toSupervisor, toCommandCentre].sort());
    const views = await Promise.all([toSupervisor, toCommandCentre].map(async (id) => ok(call('GET', `/v1/cases/${id}`, { as: chief }))));
    const stepAt = (view: any, level: number) => view.escalations.find((e: any) => e.level === level).at;
    expect(items.find((t: any) => t.caseId === toSupervisor)).toMatchObject({
      escalationLevel: 2,
      escalation: { level: 2, action: 'supervisor', at: stepAt(views[0], 2) },
    });
    expect(items.find((t: any) => t.caseId === toCommandCentre)).toMatchObject({
      escalationLevel: 1,
      escalation: { level: 1, action: 'command-center', at: stepAt(views[1], 1) },
    });
    expect((await escalated('command-center')).map((t: any) => t.caseId)).toEqual([toCommandCentre]);
  });

  test('escalatedTo=reminder takes in every step; the rest of the inbox carries escalation null', async () => {
    expect((await escalated('reminder')).map((t: any) => t.caseId).sort()).toEqual([toSupervisor, toCommandCentre, remindedOnly].sort());
    const all = await healthInbox([remindedOnly, quiet]);
    expect(all.find((t) => t.caseId === remindedOnly)).toMatchObject({ escalationLevel: 1, escalation: { level: 1, action: 'reminder' } });
    expect(all.find((t) => t.caseId === quiet)).toMatchObject({ escalationLevel: 0, escalation: null });
  });

  test('a decided task leaves the list; an unknown action is a 400 problem naming the parameter', async () => {
    await ok(decide(toCommandCentre, hu, { outcome: 'approve' }));
    await waitFor(
      async () => (await escalated('supervisor')).map((t: any) => t.caseId),
      (v) => v.length === 1 && v[0] === toSupervisor,
    );
    const r = await inbox(chief, '?escalatedTo=boss');
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: 'query.escalatedTo' })]);
    await refused(inbox(chief, '?escalatedTo='), 400);
  });
});
