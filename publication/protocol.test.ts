/** The publication protocol's pure rules (protocol.ts): which publication shows a view, and the record the history keeps. */
import { describe, expect, it } from 'vitest';
import type { CaseView } from '../common/types.js';
import { isPublicationRecord, OPENING_SEQ, publicationRecord, seqShowing } from './protocol.js';

const view = (status: string) => ({ caseId: 'case-1', status, tasks: [] }) as Partial<CaseView> as CaseView;

describe('seqShowing', () => {
  it('names the latest publication begun when it already shows the view', () => {
    expect(seqShowing({ seq: 4, json: JSON.stringify(view('in-review')) }, view('in-review'))).toBe(4);
  });

  it('names the next publication when the view has changed since', () => {
    expect(seqShowing({ seq: 4, json: JSON.stringify(view('in-review')) }, view('approved'))).toBe(5);
  });

  it("names the workflow's first publication after the opening one, whose view the workflow never holds", () => {
    expect(seqShowing({ seq: OPENING_SEQ, json: '' }, view('in-review'))).toBe(OPENING_SEQ + 1);
  });
});

describe('PublicationRecord', () => {
  it('is recognised by its tag and version', () => {
    expect(isPublicationRecord(publicationRecord('case-1', 3, []))).toBe(true);
    expect(isPublicationRecord(JSON.parse(JSON.stringify(publicationRecord('case-1', 3, []))))).toBe(true);
  });

  it('is not anything else a history may hold', () => {
    const r = publicationRecord('case-1', 3, []);
    for (const other of [
      null,
      undefined,
      'onestop.publication',
      [],
      { ...r, record: 'other' },
      { ...r, version: 2 },
      { ...r, seq: '3' },
      { ...r, notifications: null },
    ]) {
      expect(isPublicationRecord(other), JSON.stringify(other)).toBe(false);
    }
  });
});
