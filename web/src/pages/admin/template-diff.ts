/**
 * What an edit changes, field by field: the diff an admin reads before deploying a template version.
 * Pure (no DOM), so it is unit-tested on its own (test/unit/template-diff.test.ts).
 *
 * Objects are compared key by key. Arrays are aligned on their longest common run of equal items, so
 * a department inserted or removed shows as one added or removed item rather than every later item
 * "changed"; an unmatched old item facing an unmatched new object at the same place is compared field
 * by field (a department whose SLA changed is one changed field, not a removal and an addition).
 */

export type Segment = string | number;

export type Change =
  | { kind: 'changed'; path: Segment[]; old: unknown; new: unknown }
  | { kind: 'added'; path: Segment[]; new: unknown }
  | { kind: 'removed'; path: Segment[]; old: unknown };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON values (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The changes from `before` to `after`, in document order; `before` undefined means everything is new. */
export function diffTemplate(before: unknown, after: unknown): Change[] {
  const out: Change[] = [];
  walk(before, after, [], out);
  return out;
}

function walk(a: unknown, b: unknown, path: Segment[], out: Change[]): void {
  if (jsonEqual(a, b)) return;
  if (a === undefined) out.push({ kind: 'added', path, new: b });
  else if (b === undefined) out.push({ kind: 'removed', path, old: a });
  else if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !(k in a))];
    for (const k of keys) walk(a[k], b[k], [...path, k], out);
  } else if (Array.isArray(a) && Array.isArray(b)) diffArrays(a, b, path, out);
  else out.push({ kind: 'changed', path, old: a, new: b });
}

/** Pairs of indexes (old, new) of the longest common subsequence of equal items. */
function commonRun(a: unknown[], b: unknown[]): [number, number][] {
  // lengths[i][j]: the LCS length of a[i..] and b[j..]; templates' arrays are short (≤ 50 items).
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = jsonEqual(a[i], b[j]) ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (jsonEqual(a[i], b[j])) pairs.push([i++, j++]);
    else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function diffArrays(a: unknown[], b: unknown[], path: Segment[], out: Change[]): void {
  let i = 0;
  let j = 0;
  // Each gap between matched items: pair old and new items in order, the rest are removed or added.
  for (const [mi, mj] of [...commonRun(a, b), [a.length, b.length] as [number, number]]) {
    while (i < mi && j < mj) {
      if (isObject(a[i]) && isObject(b[j])) walk(a[i], b[j], [...path, j], out);
      else out.push({ kind: 'changed', path: [...path, j], old: a[i], new: b[j] });
      i++;
      j++;
    }
    for (; i < mi; i++) out.push({ kind: 'removed', path: [...path, i], old: a[i] });
    for (; j < mj; j++) out.push({ kind: 'added', path: [...path, j], new: b[j] });
    i = mi + 1;
    j = mj + 1;
  }
}

/** A path as the API's problem details write it after `body.`: `departments.0.sla`. */
export const pathText = (path: Segment[]): string => path.join('.');
