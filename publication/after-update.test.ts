/** An update's HTTP answer: the case from the projection row its receipt names (publication/after-update.ts). */
import { describe, expect, it } from 'vitest';
import { caseAfterUpdate, type CaseSources } from './after-update.js';
import type { CaseView } from '../common/types.js';

const view = (status: string) => ({ caseId: 'case-1', status, tasks: [] }) as unknown as CaseView;

/** Sources whose projection holds `rows` in turn (one per read, the last one staying), and a live case. */
function sources(rows: ({ view: CaseView; seq: number } | undefined)[]): CaseSources & { reads: number; liveReads: number } {
  const s = {
    reads: 0,
    liveReads: 0,
    published: async () => rows[Math.min(s.reads++, rows.length - 1)],
    live: async () => {
      s.liveReads += 1;
      return view('live');
    },
  };
  return s;
}

describe('caseAfterUpdate', () => {
  it('answers with the projection row once its seq reaches the receipt', async () => {
    const s = sources([{ view: view('in-review'), seq: 4 }]);
    expect((await caseAfterUpdate(s, 'case-1', { caseId: 'case-1', seq: 4 })).status).toBe('in-review');
    expect(s.reads).toBe(1);
    expect((await caseAfterUpdate(s, 'case-1', { caseId: 'case-1', seq: 3 })).status).toBe('in-review'); // a newer row shows the change too
  });

  it('waits for a row that lags behind the receipt', async () => {
    const s = sources([undefined, { view: view('in-review'), seq: 4 }, { view: view('approved'), seq: 5 }]);
    expect((await caseAfterUpdate(s, 'case-1', { caseId: 'case-1', seq: 5 })).status).toBe('approved');
    expect(s.reads).toBe(3);
    expect(s.liveReads).toBe(0);
  });

  it('reads the live case when the row does not come in time', async () => {
    const s = sources([{ view: view('in-review'), seq: 4 }]);
    expect((await caseAfterUpdate(s, 'case-1', { caseId: 'case-1', seq: 5 }, 50)).status).toBe('live');
    expect(s.reads).toBeGreaterThan(1);
    expect(s.liveReads).toBe(1);
  });
});
