/**
 * `npm run bench` (last part), `npm run bench:poison` alone: what the poisoned-text attack costs the
 * healthy load. Before the text rule (common/text-rule.ts), an applicant token could send text
 * PostgreSQL refuses (a lone UTF-16 surrogate, NUL, other controls) and its case's projection
 * retried for ever; 50 such cases stopped the worker taking workflow tasks. One run on one stack
 * (bench/lib/bench-stack.ts: a Temporal dev server, PostgreSQL, the case worker and the API in this
 * process, JWT on a secret generated for the run):
 *  - the healthy load: BENCH_POISON_CASES cases (default 50) of the built-in three-department
 *    `mask-line-fast-track` through the API, BENCH_POISON_CONCURRENCY at a time (default 4), each
 *    opened by one of two applicants, approved by its departments in turn and awaited to completion;
 *  - run twice after a warm-up (BENCH_POISON_WARMUP, default 10): alone (the baseline), then beside
 *    the attack, sent on two lanes of its own, paced over the baseline's wall time:
 *    BENCH_POISON_OPENINGS poisoned openings (default 50: the applicant name, contact, details),
 *    BENCH_POISON_UPDATES poisoned updates (default 10: comments, supplement notes (naming a
 *    document the applicant uploaded before the run: a document's name is the uploaded file's,
 *    which the store cleans, never request text), withdrawal reasons, decision comments) on
 *    healthy cases of the run while they are open, and
 *    BENCH_POISON_BYPASS workflows (default 20) started straight through the Temporal client with a
 *    lone surrogate in the applicant name (as a bug or an old client might), which raise incidents.
 * Prints the opening, decision and case latencies of both runs with their ratio, and what the attack
 * sent and got (test/support/poison.ts builds it, as test/e2e/poison.test.ts does). Asserts nothing
 * beyond each healthy step's answer: timings belong to the machine, not to a test; an answer to a
 * poisoned request other than the refusal it must get is counted and shown, not thrown.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Actor, Applicant } from '../common/types.js';
import { samplePdf } from '../test/support/documents.js';
import { applicant, applicantActor, staff } from '../test/support/fixtures.js';
import {
  betaActor,
  betaApplicant,
  healthyOpening,
  LONE_SURROGATES,
  poisonedOpening,
  poisonedUpdate,
  refusalFault,
  startBypassingEdge,
  UPDATE_KINDS,
  type PoisonedRequest,
} from '../test/support/poison.js';
import { tokenFor } from '../test/support/stack.js';
import { startBenchStack, type BenchStack } from './lib/bench-stack.js';
import { inParallel } from './lib/case-opener.js';
import { report, type AttackKind, type AttackResult, type HealthyCase, type HealthyRun } from './lib/poison-report.js';

const CASES = Number(process.env.BENCH_POISON_CASES ?? 50);
const CONCURRENCY = Number(process.env.BENCH_POISON_CONCURRENCY ?? 4);
const WARMUP = Number(process.env.BENCH_POISON_WARMUP ?? 10);
const OPENINGS = Number(process.env.BENCH_POISON_OPENINGS ?? 50);
const UPDATES = Number(process.env.BENCH_POISON_UPDATES ?? 10);
const BYPASS = Number(process.env.BENCH_POISON_BYPASS ?? 20);
/** The attacker's own requests in flight: beside the healthy load, not inside its lanes. */
const ATTACK_LANES = 2;

const TEMPLATE = 'mask-line-fast-track';
const DEPTS = ['market-regulation', 'health', 'ecology'];
/** The department whose officer sends the poisoned comments and decisions. */
const ATTACKED_DEPT = 'health';
const APPLICANTS: readonly { as: Actor; applicant: Applicant }[] = [
  { as: applicantActor, applicant },
  { as: betaActor, applicant: betaApplicant },
];
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };

interface Answer {
  status: number;
  contentType: string | null;
  body: any;
}

const since = (t: number) => performance.now() - t;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadNow = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** A request to the API as `as` (its token signed once for the run), the answer whatever it is. */
function sender(stack: BenchStack, tokens: Map<string, string>) {
  return async (method: string, path: string, as: Actor, body?: unknown): Promise<Answer> => {
    const res = await fetch(stack.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${tokens.get(as.sub)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, contentType: res.headers.get('content-type'), body: parsed };
  };
}
type Send = ReturnType<typeof sender>;

/** Uploads a small PDF as `as` (POST /v1/documents, its run token): the reference a filing takes. */
async function upload(stack: BenchStack, tokens: Map<string, string>, as: Actor, label: string): Promise<{ digest: string }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(samplePdf(label))], { type: 'application/pdf' }), `${label}.pdf`);
  const res = await fetch(`${stack.baseUrl}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${tokens.get(as.sub)}` }, body: form });
  const body = (await res.json()) as { digest?: string };
  if ((res.status !== 201 && res.status !== 200) || !body.digest) throw new Error(`upload of ${label} as ${as.sub}: ${res.status} ${JSON.stringify(body)}`);
  return { digest: body.digest };
}

/** A healthy step's answer: anything but `expected` fails the bench. */
function expectStatus(a: Answer, expected: number, what: string): any {
  if (a.status !== expected) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
  return a.body;
}

/** The healthy cases open right now (between their opening and their last decision), with their applicant. */
const inFlight = new Map<string, Actor>();
let lastOpened: { caseId: string; as: Actor } | undefined;

/** `count` healthy cases, CONCURRENCY at a time, each opened, approved by every department and awaited. */
async function healthyRun(stack: BenchStack, send: Send, count: number): Promise<HealthyRun> {
  const cases: HealthyCase[] = [];
  const t0 = performance.now();
  await inParallel(count, CONCURRENCY, async (i) => {
    const who = APPLICANTS[i % APPLICANTS.length]!;
    const start = performance.now();
    const opened = expectStatus(await send('POST', '/v1/cases', who.as, healthyOpening(TEMPLATE, who.applicant)), 201, 'open');
    const openMs = since(start);
    const caseId: string = opened.caseId;
    inFlight.set(caseId, who.as);
    lastOpened = { caseId, as: who.as };
    const decisionMs: number[] = [];
    for (const [d, dept] of DEPTS.entries()) {
      if (d === DEPTS.length - 1) inFlight.delete(caseId);
      const t = performance.now();
      expectStatus(await send('POST', `/v1/cases/${caseId}/tasks/${dept}/decision`, staff(dept), { outcome: 'approve' }), 200, `decide ${dept}`);
      decisionMs.push(since(t));
    }
    await stack.probeClient.workflow.getHandle(caseId).result();
    cases.push({ id: caseId, openMs, decisionMs, caseMs: since(start) });
  });
  const wallMs = since(t0);
  const { rows } = await stack.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1) AND status = 'approved' AND closed_at IS NOT NULL`,
    [cases.map((c) => c.id)],
  );
  return { cases, wallMs, completed: cases.length, projectedApproved: rows[0]?.n ?? 0 };
}

type AttackItem = { kind: 'opening' | 'update' | 'bypass'; i: number };

/** The attack's requests, each kind spread evenly over the whole: openings, updates and bypassing starts interleaved. */
function attackPlan(): AttackItem[] {
  const spread = (kind: AttackItem['kind'], n: number) => Array.from({ length: n }, (_, i) => ({ kind, i, at: (i + 0.5) / n }));
  return [...spread('opening', OPENINGS), ...spread('update', UPDATES), ...spread('bypass', BYPASS)]
    .sort((a, b) => a.at - b.at)
    .map(({ kind, i }) => ({ kind, i }));
}

/**
 * Sends the attack on ATTACK_LANES lanes, each request `gapMs` after the lane's previous one while
 * `healthyRunning()` holds (then the rest at once). A poisoned supplement names the document its
 * applicant uploaded (`uploads`, by sub). Returns each kind's tally and the bypassing starts.
 */
async function attack(
  stack: BenchStack,
  send: Send,
  gapMs: number,
  healthyRunning: () => boolean,
  uploads: ReadonlyMap<string, { digest: string }>,
): Promise<{ kinds: AttackKind[]; bypassed: string[] }> {
  const kind = (label: string, throughApi = true): AttackKind => ({
    label,
    throughApi,
    sent: 0,
    refused: 0,
    otherAnswers: [],
    duringHealthy: 0,
    latencyMs: [],
  });
  const kinds = {
    opening: kind('poisoned openings'),
    update: kind('poisoned updates on open cases'),
    bypass: kind('edge-bypassing starts (Temporal client)', false),
  };
  const bypassed: string[] = [];
  const deps = { client: stack.probeClient, pool: stack.pool, taskQueue: stack.config.TEMPORAL_TASK_QUEUE };

  const poisoned = async (tally: AttackKind, req: PoisonedRequest) => {
    const t = performance.now();
    const answer = await send(req.method, req.path, req.as, req.body);
    tally.latencyMs.push(since(t));
    const fault = refusalFault(req, answer);
    if (fault) tally.otherAnswers.push(fault);
    else tally.refused += 1;
  };

  const plan = attackPlan();
  let next = 0;
  await Promise.all(
    Array.from({ length: ATTACK_LANES }, async (_, lane) => {
      await pause((gapMs * lane) / ATTACK_LANES); // the lanes take turns
      while (next < plan.length) {
        const item = plan[next++]!;
        const tally = kinds[item.kind];
        tally.sent += 1;
        if (healthyRunning()) tally.duringHealthy += 1;
        const t = performance.now();
        if (item.kind === 'opening') {
          await poisoned(tally, poisonedOpening(item.i, TEMPLATE, APPLICANTS));
        } else if (item.kind === 'update') {
          // A healthy case of this run while it is open (the newest one), or the last opened.
          const open = [...inFlight.entries()].at(-1);
          const target = open ? { caseId: open[0], as: open[1] } : lastOpened;
          if (!target) throw new Error('no healthy case opened yet to aim an update at');
          const k = UPDATE_KINDS[item.i % UPDATE_KINDS.length]!;
          const documents = [uploads.get(target.as.sub)!];
          await poisoned(tally, poisonedUpdate(k, item.i, target.caseId, ATTACKED_DEPT, staff(ATTACKED_DEPT), target.as, documents));
        } else {
          const who = APPLICANTS[item.i % APPLICANTS.length]!;
          const poison = LONE_SURROGATES[item.i % LONE_SURROGATES.length]!;
          bypassed.push(await startBypassingEdge(deps, { templateId: TEMPLATE, openedBy: who.as, applicant: { ...who.applicant, name: poison.text } }));
          tally.latencyMs.push(since(t));
        }
        if (healthyRunning()) await pause(Math.max(0, gapMs - since(t)));
      }
    }),
  );
  return { kinds: Object.values(kinds), bypassed };
}

/** The incidents `GET /v1/incidents` lists, once it lists `expected` of them (or after 30 s, as many as it does). */
async function incidentsOnceRaised(send: Send, expected: number): Promise<{ caseId: string; code: string }[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = expectStatus(await send('GET', '/v1/incidents?limit=500', admin), 200, 'GET /v1/incidents') as { caseId: string; code: string }[];
    if (rows.length >= expected || Date.now() > deadline) return rows;
    await pause(200);
  }
}

// ---- the run ----------------------------------------------------------------------------------

const loadAtStart = loadNow();
const stack = await startBenchStack();
let bypassed: string[] = [];
try {
  const actors = [...APPLICANTS.map((a) => a.as), ...DEPTS.map((d) => staff(d)), admin];
  const tokens = new Map(await Promise.all(actors.map(async (a) => [a.sub, await tokenFor(a, stack.secret)] as const)));
  const send = sender(stack, tokens);
  // Each applicant's document, uploaded before the runs: what its poisoned supplements name.
  const uploads = new Map(await Promise.all(APPLICANTS.map(async ({ as }) => [as.sub, await upload(stack, tokens, as, `floor-plan-${as.sub}`)] as const)));

  await healthyRun(stack, send, WARMUP);
  const base = await healthyRun(stack, send, CASES);
  console.log(`baseline: ${CASES} cases in ${(base.wallMs / 1000).toFixed(1)} s`);

  let running = true;
  const requests = OPENINGS + UPDATES + BYPASS;
  const gapMs = (base.wallMs * ATTACK_LANES) / Math.max(1, requests);
  const [attacked, sent] = await Promise.all([
    healthyRun(stack, send, CASES).finally(() => (running = false)),
    attack(stack, send, gapMs, () => running, uploads),
  ]);
  bypassed = sent.bypassed;
  console.log(`under attack: ${CASES} cases in ${(attacked.wallMs / 1000).toFixed(1)} s, ${requests} attack requests`);

  const incidents = await incidentsOnceRaised(send, bypassed.length);
  const ready = await send('GET', '/readyz', admin);
  const result: AttackResult = {
    kinds: sent.kinds,
    bypassStarted: bypassed.length,
    incidents: incidents.filter((r) => bypassed.includes(r.caseId)).length,
    incidentCodes: incidents.map((r) => r.code),
    readiness: `${ready.status} ${ready.body?.status}, worker ${ready.body?.worker?.status}, ${ready.body?.incidents} incidents`,
  };
  report(
    {
      cases: CASES,
      concurrency: CONCURRENCY,
      warmup: WARMUP,
      template: TEMPLATE,
      depts: DEPTS,
      attackLanes: ATTACK_LANES,
      load: `${loadAtStart} at the start, ${loadNow()} at the end`,
    },
    base,
    attacked,
    result,
  );
} finally {
  // The incident cases cannot be closed (their input itself is refused): terminated, as an admin would.
  await Promise.allSettled(bypassed.map((id) => stack.probeClient.workflow.getHandle(id).terminate('bench/poison.ts: the case cannot be projected')));
  await stack.stop();
}
