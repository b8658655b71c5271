/**
 * A supervisor's bulk reassignment: the rows ticked in the inbox, handed to one officer. Each task
 * is its own assignment (POST …/assign, one after another), so one refusal (four eyes, a task
 * decided meanwhile) leaves the others done; the report says, row by row, which were reassigned
 * and which were refused, and why.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiProblem } from '../../api/client';
import { assignTask } from '../../api/task-work';
import type { CaseView, InboxItem } from '../../api/types';
import { messages, t } from '../../i18n';
import { Field } from '../../ui';

const m = messages(
  {
    title: 'Reassign selected',
    selected: '{n} selected',
    hint: 'Tick tasks in the list to reassign them together.',
    selectAll: 'Select all shown',
    selectRow: 'Select: {task}',
    submit: 'Reassign selected',
    working: 'Reassigning {done} of {n}…',
    report: 'Reassignment to {who}: {ok} reassigned, {refused} refused',
    reassigned: 'Reassigned',
    refusedRow: 'Refused',
  },
  {
    title: '批量改派',
    selected: '已选 {n} 项',
    hint: '在列表中勾选任务，即可一并改派。',
    selectAll: '全选当前显示的任务',
    selectRow: '选择：{task}',
    submit: '改派所选任务',
    working: '正在改派第 {done} 项，共 {n} 项…',
    report: '改派给 {who}：{ok} 项成功，{refused} 项被拒绝',
    reassigned: '已改派',
    refusedRow: '被拒绝',
  },
);

export const rowKey = (i: { caseId: string; taskId: string }) => `${i.caseId}/${i.taskId}`;
/** A row as the checkbox and the report name it: cases of one template share a title, so the applicant too. */
const rowName = (i: InboxItem) => `${i.caseTitle} (${i.applicantName}) — ${i.title}`;

/** The ticked rows, by `caseId/taskId`. */
export function useSelection() {
  const [keys, setKeys] = useState<ReadonlySet<string>>(new Set());
  return {
    keys,
    toggle: (key: string, on: boolean) =>
      setKeys((s) => {
        const next = new Set(s);
        if (on) next.add(key);
        else next.delete(key);
        return next;
      }),
    setAll: (all: string[], on: boolean) => setKeys(on ? new Set(all) : new Set()),
  };
}
export type Selection = ReturnType<typeof useSelection>;

/** A row's checkbox, labelled with its case and task. */
export function RowCheck({ item, selection }: { item: InboxItem; selection: Selection }) {
  const key = rowKey(item);
  return (
    <input
      type="checkbox"
      class="row-check"
      aria-label={m('selectRow', { task: rowName(item) })}
      checked={selection.keys.has(key)}
      onChange={(e) => selection.toggle(key, (e.target as HTMLInputElement).checked)}
    />
  );
}

interface Outcome {
  item: InboxItem;
  view?: CaseView;
  error?: unknown;
}

/** Why the API refused: status, then its detail (or title) and each field error. */
function reason(error: unknown): string {
  if (!(error instanceof ApiProblem)) return error instanceof Error ? error.message : String(error);
  const p = error.problem;
  return [`(${error.status})`, p.detail ?? p.title ?? '', ...(p.errors ?? []).map((e) => `${e.path}: ${e.message}`)].filter(Boolean).join(' ');
}

/**
 * The bar above the list: "select all shown", the officer to hand the ticked tasks to, and the
 * last run's report. `onAssigned` gets the views of the tasks reassigned, to show their new holder.
 */
export function BulkReassign({ shown, selection, onAssigned }: { shown: InboxItem[]; selection: Selection; onAssigned: (views: CaseView[]) => void }) {
  const [who, setWho] = useState('');
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<number>();
  const [report, setReport] = useState<{ who: string; outcomes: Outcome[] }>();
  const reportRef = useRef<HTMLDivElement>(null);
  // Only ticked rows still shown count: a filter that hides a ticked row must not reassign it unseen.
  const chosen = shown.filter((i) => selection.keys.has(rowKey(i)));
  const allShown = shown.length > 0 && chosen.length === shown.length;

  const run = async (e: Event) => {
    e.preventDefault();
    const assignee = who.trim();
    if (!assignee || chosen.length === 0 || progress !== undefined) return;
    const outcomes: Outcome[] = [];
    for (const item of chosen) {
      setProgress(outcomes.length + 1);
      try {
        outcomes.push({ item, view: await assignTask(item.caseId, item.taskId, assignee, name.trim() || undefined) });
      } catch (error) {
        outcomes.push({ item, error });
      }
    }
    setProgress(undefined);
    setReport({ who: name.trim() || assignee, outcomes });
    selection.setAll([], false);
    onAssigned(outcomes.flatMap((o) => (o.view ? [o.view] : [])));
    // The report is what the supervisor reads next; take the focus there.
    setTimeout(() => reportRef.current?.focus(), 0);
  };

  const refused = report?.outcomes.filter((o) => o.error) ?? [];
  return (
    <section class="card bulk" aria-labelledby="bulk-title">
      <h2 id="bulk-title">{m('title')}</h2>
      <div class="actions">
        <label class="check">
          <input
            type="checkbox"
            checked={allShown}
            disabled={shown.length === 0}
            onChange={(e) => selection.setAll(shown.map(rowKey), (e.target as HTMLInputElement).checked)}
          />{' '}
          {m('selectAll')}
        </label>
        <span role="status">{chosen.length > 0 ? m('selected', { n: chosen.length }) : m('hint')}</span>
      </div>
      {chosen.length > 0 && (
        <form class="inline-form" onSubmit={(e) => void run(e)}>
          <Field label={t('assignTo')} render={(a) => <input {...a} required value={who} onInput={(e) => setWho((e.target as HTMLInputElement).value)} />} />
          <Field label={t('assigneeNameLabel')} render={(a) => <input {...a} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />} />
          <button type="submit" class="primary" disabled={progress !== undefined}>
            {m('submit')}
          </button>
          {progress !== undefined && <span aria-busy="true">{m('working', { done: progress, n: chosen.length })}</span>}
        </form>
      )}
      {report && (
        <div class={refused.length ? 'problem' : 'notice'} ref={reportRef} tabIndex={-1} role="status" data-testid="bulk-report">
          <strong>{m('report', { who: report.who, ok: report.outcomes.length - refused.length, refused: refused.length })}</strong>
          <ul>
            {report.outcomes.map((o) => (
              <li key={rowKey(o.item)} data-case={o.item.caseId} data-outcome={o.error ? 'refused' : 'reassigned'}>
                {o.error ? m('refusedRow') : m('reassigned')}: {rowName(o.item)}
                {o.error !== undefined && <> — {reason(o.error)}</>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
