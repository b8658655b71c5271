/** The template editor's diff: field by field, arrays aligned so an inserted or removed item is one change. */
import { expect, test } from 'vitest';
import { diffTemplate, jsonEqual, pathText } from '../../web/src/pages/admin/template-diff.js';

const deployed = {
  id: 'mask-line',
  sla: 'PT48H',
  departments: [
    { dept: 'health', title: 'Hygiene permit', sla: 'PT24H' },
    { dept: 'ecology', title: 'Environmental filing' },
  ],
  escalation: [{ at: 0.5, action: 'reminder' }],
};

test('an unchanged template has no changes, whatever the key order', () => {
  const reordered = { escalation: deployed.escalation, departments: deployed.departments, sla: 'PT48H', id: 'mask-line' };
  expect(diffTemplate(deployed, reordered)).toEqual([]);
  expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
});

test("a department's changed SLA is one changed field; a department appended is one added item", () => {
  const edited = structuredClone(deployed);
  edited.departments[0]!.sla = 'PT12H';
  edited.departments.push({ dept: 'fire-safety', title: 'Fire safety inspection', sla: 'PT24H' });
  expect(diffTemplate(deployed, edited)).toEqual([
    { kind: 'changed', path: ['departments', 0, 'sla'], old: 'PT24H', new: 'PT12H' },
    { kind: 'added', path: ['departments', 2], new: { dept: 'fire-safety', title: 'Fire safety inspection', sla: 'PT24H' } },
  ]);
});

test('an item inserted at the front or removed from the middle does not show every later item as changed', () => {
  const inserted = { ...deployed, departments: [{ dept: 'fire-safety', title: 'Fire' }, ...deployed.departments] };
  expect(diffTemplate(deployed, inserted)).toEqual([{ kind: 'added', path: ['departments', 0], new: { dept: 'fire-safety', title: 'Fire' } }]);
  const removed = { ...deployed, departments: [deployed.departments[1]] };
  expect(diffTemplate(deployed, removed)).toEqual([{ kind: 'removed', path: ['departments', 0], old: deployed.departments[0] }]);
});

test('fields added and removed, a value replaced by another shape (a duration as text, then as working days)', () => {
  const edited = { ...deployed, sla: { workingDays: 3 }, calendar: 'cn-mainland' } as Record<string, unknown>;
  delete edited.escalation;
  expect(diffTemplate(deployed, edited)).toEqual([
    { kind: 'changed', path: ['sla'], old: 'PT48H', new: { workingDays: 3 } },
    { kind: 'removed', path: ['escalation'], old: deployed.escalation },
    { kind: 'added', path: ['calendar'], new: 'cn-mainland' },
  ]);
});

test('a template with no deployed version is one addition; paths read as the API writes them', () => {
  expect(diffTemplate(undefined, deployed)).toEqual([{ kind: 'added', path: [], new: deployed }]);
  expect(pathText(['departments', 0, 'sla'])).toBe('departments.0.sla');
});

test('primitive array items replaced in place are changes at their index', () => {
  expect(diffTemplate({ r: ['P2D', 'P1D'] }, { r: ['P3D', 'P1D'] })).toEqual([{ kind: 'changed', path: ['r', 0], old: 'P2D', new: 'P3D' }]);
});
