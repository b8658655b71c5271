import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LADDER } from '../../templates/schema.js';
import { OneStopTemplate } from '../../processes/one-stop/template.js';
import { PROCESSES, Template } from '../../processes/registry.js';
import { builtinDir, loadBuiltinTemplates } from '../../templates/builtin.js';
import { HISTORY_BUDGET_DEFAULTS } from '../../common/history-budget.js';

/** Every built-in template file, as [file, the folder it is in, the kind of that folder's process]. */
const builtins = PROCESSES.flatMap((p) =>
  readdirSync(builtinDir(p.folder))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, builtinDir(p.folder), p.kind] as const),
);
const builtinFiles = builtins.map(([f]) => f);

const base = () => ({
  id: 'mask-line',
  title: 'New mask production line',
  kind: 'one-stop-approval',
  sla: 'PT48H',
  departments: [
    { dept: 'market-regulation', title: 'Business licence', sla: 'PT24H' },
    { dept: 'health', title: 'Hygiene permit' },
  ],
});

/** The issue paths of a refused template (fails the test if it is accepted). */
function issues(input: unknown): { path: (string | number)[]; code: string; message: string }[] {
  const r = Template.safeParse(input);
  expect(r.success, 'expected the template to be refused').toBe(false);
  return (r.error?.issues ?? []).map((i) => ({ path: i.path as (string | number)[], code: i.code, message: i.message }));
}
const paths = (input: unknown) => issues(input).map((i) => i.path);

describe('built-in templates', () => {
  it('there are some', () => expect(builtinFiles.length).toBeGreaterThan(0));

  it('every process has one', () => expect(new Set(builtins.map(([, , kind]) => kind))).toEqual(new Set(PROCESSES.map((p) => p.kind))));

  it.each(builtins)("%s parses, its id matches its file name, and it is of its folder's process", (file, dir, kind) => {
    const json = JSON.parse(readFileSync(dir + file, 'utf8'));
    const t = Template.parse(json);
    expect(t.id).toBe(file.replace(/\.json$/, ''));
    expect(t.kind).toBe(kind);
  });

  it('loadBuiltinTemplates returns them all, sorted', () => {
    const ids = loadBuiltinTemplates().map((t) => t.id);
    expect(ids).toEqual(builtinFiles.map((f) => f.replace(/\.json$/, '')).sort());
  });
});

describe('defaults', () => {
  it('fills onDeadline, escalation and followUps', () => {
    const t = OneStopTemplate.parse(base());
    expect(t.onDeadline).toBe('escalate');
    expect(t.escalation).toEqual([
      { at: 0.5, action: 'reminder' },
      { at: 0.75, action: 'supervisor' },
      { at: 1, action: 'command-center' },
    ]);
    expect(t.escalation).toEqual(DEFAULT_LADDER);
    expect(t.followUps).toEqual([]);
    expect(t.departments[1]?.sla).toBeUndefined();
  });

  it('the defaults of two parses are not the same array (no shared mutable state)', () => {
    const a = OneStopTemplate.parse(base());
    const b = OneStopTemplate.parse(base());
    expect(a.escalation).not.toBe(b.escalation);
    expect(a.followUps).not.toBe(b.followUps);
    expect(a.escalation).not.toBe(DEFAULT_LADDER);
  });

  it('keeps what is given', () => {
    const t = OneStopTemplate.parse({
      ...base(),
      onDeadline: 'deem-approved',
      escalation: [{ at: 1, action: 'command-center' }],
      followUps: [{ dept: 'power-grid', title: 'Electricity' }],
    });
    expect(t.onDeadline).toBe('deem-approved');
    expect(t.escalation).toEqual([{ at: 1, action: 'command-center' }]);
    expect(t.followUps).toEqual([{ dept: 'power-grid', title: 'Electricity' }]);
  });

  it('accepts an empty ladder, a department sla equal to the case sla, and trims titles', () => {
    const t = OneStopTemplate.parse({
      ...base(),
      title: '  Mask line  ',
      escalation: [],
      departments: [{ dept: 'health', title: 'Hygiene', sla: 'P2D' }],
    });
    expect(t.title).toBe('Mask line');
    expect(t.escalation).toEqual([]);
  });
});

describe('refusals', () => {
  it('an unknown top-level field (strict)', () => {
    const is = issues({ ...base(), colour: 'red' });
    expect(is).toEqual([expect.objectContaining({ path: [], code: 'unrecognized_keys' })]);
  });

  it('an unknown field in a department, a ladder step and a follow-up', () => {
    expect(paths({ ...base(), departments: [{ dept: 'health', title: 'H', owner: 'x' }] })).toEqual([['departments', 0]]);
    expect(paths({ ...base(), escalation: [{ at: 1, action: 'reminder', to: 'x' }] })).toEqual([['escalation', 0]]);
    expect(paths({ ...base(), followUps: [{ dept: 'water', title: 'W', x: 1 }] })).toEqual([['followUps', 0]]);
  });

  it.each(['Mask-Line', 'mask_line', 'mask--line', '-mask', 'mask-', 'mask line', '', 'a'.repeat(65)])('a bad slug id %j', (id) => {
    expect(paths({ ...base(), id })).toEqual([['id']]);
  });

  it('a bad department slug', () => {
    expect(paths({ ...base(), departments: [{ dept: 'Health', title: 'H' }] })).toEqual([['departments', 0, 'dept']]);
  });

  it('a duplicate department', () => {
    const is = issues({
      ...base(),
      departments: [
        { dept: 'health', title: 'A' },
        { dept: 'ecology', title: 'B' },
        { dept: 'health', title: 'C' },
      ],
    });
    expect(is).toEqual([expect.objectContaining({ path: ['departments', 2, 'dept'], code: 'custom' })]);
    expect(is[0]?.message).toMatch(/health/);
  });

  it('a department sla longer than the case sla', () => {
    const is = issues({
      ...base(),
      sla: 'PT48H',
      departments: [
        { dept: 'health', title: 'H' },
        { dept: 'ecology', title: 'E', sla: 'P3D' },
      ],
    });
    expect(is).toEqual([expect.objectContaining({ path: ['departments', 1, 'sla'], code: 'custom' })]);
  });

  it.each([
    [
      [
        { at: 0.5, action: 'reminder' },
        { at: 0.5, action: 'supervisor' },
      ],
      'equal',
    ],
    [
      [
        { at: 0.75, action: 'reminder' },
        { at: 0.5, action: 'supervisor' },
      ],
      'decreasing',
    ],
    [
      [
        { at: 0.25, action: 'reminder' },
        { at: 0.75, action: 'supervisor' },
        { at: 0.5, action: 'command-center' },
      ],
      'decreasing later',
    ],
  ])('a non-increasing ladder (%j, %s)', (escalation) => {
    const is = issues({ ...base(), escalation });
    expect(is).toEqual([expect.objectContaining({ path: ['escalation'], code: 'custom' })]);
  });

  it.each([0, -0.5, 1.01, 2])('a ladder step at %d', (at) => {
    expect(paths({ ...base(), escalation: [{ at, action: 'reminder' }] })).toEqual([['escalation', 0, 'at']]);
  });

  it('a ladder step with a non-number at', () => {
    expect(paths({ ...base(), escalation: [{ at: '0.5', action: 'reminder' }] })).toEqual([['escalation', 0, 'at']]);
  });

  it('an unknown action', () => {
    expect(
      paths({
        ...base(),
        escalation: [
          { at: 0.5, action: 'reminder' },
          { at: 1, action: 'sms' },
        ],
      }),
    ).toEqual([['escalation', 1, 'action']]);
  });

  it('an unknown onDeadline', () => {
    expect(paths({ ...base(), onDeadline: 'approve' })).toEqual([['onDeadline']]);
  });

  it('empty or missing departments', () => {
    expect(paths({ ...base(), departments: [] })).toEqual([['departments']]);
    const { departments: _d, ...rest } = base();
    expect(paths(rest)).toEqual([['departments']]);
  });

  it.each(['48h', 'P1M', 'P1Y', 'PT0S', 'P0D', '', 'PT', 'PT48H '])('a bad ISO duration %j as case sla', (sla) => {
    expect(paths({ ...base(), sla, departments: [{ dept: 'health', title: 'H' }] })).toEqual([['sla']]);
  });

  it('a bad ISO duration as department sla', () => {
    expect(paths({ ...base(), departments: [{ dept: 'health', title: 'H', sla: 'P1M' }] })).toEqual([['departments', 0, 'sla']]);
  });

  it('a wrong or missing kind', () => {
    expect(paths({ ...base(), kind: 'claim' })).toEqual([['kind']]);
    const { kind: _k, ...rest } = base();
    expect(paths(rest)).toEqual([['kind']]);
    // OneStopTemplate itself, too
    const r = OneStopTemplate.safeParse({ ...base(), kind: 'claim' });
    expect(r.error?.issues.map((i) => i.path)).toEqual([['kind']]);
  });

  it('a blank title', () => {
    expect(paths({ ...base(), title: '   ' })).toEqual([['title']]);
    expect(paths({ ...base(), departments: [{ dept: 'health', title: '' }] })).toEqual([['departments', 0, 'title']]);
  });

  it('reports several problems at once, each with its path', () => {
    const p = paths({
      ...base(),
      id: 'Bad Id',
      escalation: [
        { at: 0, action: 'reminder' },
        { at: 0.5, action: 'nope' },
      ],
    });
    expect(p).toEqual(expect.arrayContaining([['id'], ['escalation', 0, 'at'], ['escalation', 1, 'action']]));
  });

  it('not an object', () => {
    expect(Template.safeParse(null).success).toBe(false);
    expect(Template.safeParse('mask-line').success).toBe(false);
  });
});

describe('absurdly long durations', () => {
  // A deadline beyond the largest JS Date would make the case's view throw inside the workflow,
  // so durations are capped at 100 years.
  it('the schema refuses an sla whose deadline is beyond the representable date range', () => {
    const sla = 'P100000000D';
    expect(() => new Date(Date.now() + 100000000 * 86_400_000).toISOString()).toThrow(RangeError);
    expect(Template.safeParse({ ...base(), sla, departments: [{ dept: 'health', title: 'H' }] }).success).toBe(false);
    expect(Template.safeParse({ ...base(), sla: 'P36526D', departments: [{ dept: 'health', title: 'H' }] }).success).toBe(false);
    expect(Template.safeParse({ ...base(), sla: 'P36525D', departments: [{ dept: 'health', title: 'H' }] }).success).toBe(true);
  });
});

describe('historyBudget', () => {
  it('is optional; given, its missing bound takes the default', () => {
    expect(OneStopTemplate.parse(base()).historyBudget).toBeUndefined();
    expect(OneStopTemplate.parse({ ...base(), historyBudget: { events: 800 } }).historyBudget).toEqual({
      events: 800,
      megabytes: HISTORY_BUDGET_DEFAULTS.megabytes,
    });
  });

  it('refuses bounds that could not hold a case, or that Temporal would not', () => {
    expect(paths({ ...base(), historyBudget: { events: 99 } })).toEqual([['historyBudget', 'events']]);
    expect(paths({ ...base(), historyBudget: { events: 20_001 } })).toEqual([['historyBudget', 'events']]);
    expect(paths({ ...base(), historyBudget: { events: 500.5 } })).toEqual([['historyBudget', 'events']]);
    expect(paths({ ...base(), historyBudget: { megabytes: 26 } })).toEqual([['historyBudget', 'megabytes']]);
    expect(paths({ ...base(), historyBudget: { megabytes: 0.5 } })).toEqual([['historyBudget', 'megabytes']]);
    expect(paths({ ...base(), historyBudget: { pages: 3 } })).toEqual([['historyBudget']]);
  });
});
