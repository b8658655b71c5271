/** Small shared pieces: loading and problem display, the SLA countdown, badges, fields, the data table. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem } from './api/client';
import { fmtDuration, fmtTime, statusLabel, t } from './i18n';
import { leftNow, slaLevel } from './sla';

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // The caller's deps are the load's inputs; `n` is bumped by reload().
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  return { ...state, reload };
}

/** A refusal or failure, from the problem details: title, detail and every field error. */
export function ProblemView({ error }: { error: unknown }) {
  if (!error) return null;
  if (error instanceof ApiProblem) {
    const p = error.problem;
    return (
      <div class="problem" role="alert">
        <strong>
          {t('refused')} ({error.status}){p.title ? ` — ${p.title}` : ''}
        </strong>
        {p.detail && <p>{p.detail}</p>}
        {p.errors && p.errors.length > 0 && (
          <ul class="errors">
            {p.errors.map((e, i) => (
              <li key={i}>
                <code>{e.path}</code> {e.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div class="problem" role="alert">
      <strong>{t('error')}</strong> <p>{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}

export function Loading({ when, children }: { when: { loading: boolean; error?: unknown; data?: unknown }; children: () => ComponentChildren }) {
  if (when.error) return <ProblemView error={when.error} />;
  if (when.data === undefined) return <p aria-busy="true">{t('loading')}</p>;
  return <>{children()}</>;
}

/** One clock for every countdown on the page. */
let ticks = 0;
const tickers = new Set<() => void>();
setInterval(() => {
  ticks++;
  tickers.forEach((f) => f());
}, 1000);
export function useNow(): number {
  const [, set] = useState(ticks);
  useEffect(() => {
    const f = () => set(ticks);
    tickers.add(f);
    return () => void tickers.delete(f);
  }, []);
  return Date.now();
}

/**
 * Time left on a task's SLA, counting down live from the server's `remainingMs` (frozen while the
 * clock is stopped): amber under 25 % of the SLA, red once breached.
 */
export function Countdown({
  remainingMs,
  slaMs,
  paused,
  breached,
  fetchedAt,
}: {
  remainingMs: number;
  slaMs: number;
  paused: boolean;
  breached?: boolean;
  fetchedAt: number;
}) {
  const now = useNow();
  const left = leftNow(remainingMs, fetchedAt, now, paused);
  const level = slaLevel(left, slaMs, breached);
  return (
    <span class={`countdown ${level}`} data-level={level}>
      {left <= 0 ? `${t('overdueBy')} ${fmtDuration(-left)}` : fmtDuration(left)}
      {paused && (
        <span class="badge paused" title={t('clockStopped')}>
          {t('clockStopped')}
        </span>
      )}
      {level === 'red' && <span class="visually-hidden"> ({t('breached')})</span>}
    </span>
  );
}

export const Status = ({ s }: { s: string }) => <span class={`badge status-${s}`}>{statusLabel(s)}</span>;
export const Priority = () => <span class="badge priority">★ {t('priority')}</span>;
export const Time = ({ iso }: { iso: string | null | undefined }) => (iso ? <time dateTime={iso}>{fmtTime(iso)}</time> : <>—</>);

/**
 * A ref that focuses its element once, when it appears: a form opened from a button takes the
 * keyboard to where the typing starts (the `autofocus` attribute acts on page load only).
 */
export const focusOnMount = (el: HTMLElement | null): void => el?.focus();

/**
 * What a refusal says about one field: the messages of the problem's errors at `path` (the API's
 * paths, e.g. `body.comment`) or under it (`body.details.loss.description` is under `body.details`).
 */
export function errorsAt(error: unknown, path: string): string[] {
  if (!(error instanceof ApiProblem)) return [];
  return (error.problem.errors ?? []).filter((e) => e.path === path || e.path.startsWith(`${path}.`)).map((e) => e.message);
}

let fieldSerial = 0;
/**
 * A labelled control: the label names it exactly (for screen readers and tests), the hint describes
 * it, and what a refusal said about it is shown under it (and announced with it).
 */
export function Field({
  label,
  hint,
  errors = [],
  render,
}: {
  label: string;
  hint?: string;
  errors?: string[];
  render: (a: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: 'true' }) => ComponentChildren;
}) {
  const [id] = useState(() => `f${++fieldSerial}`);
  const described = [hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {render({ id, ...(described ? { 'aria-describedby': described } : {}), ...(errors.length ? { 'aria-invalid': 'true' as const } : {}) })}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {errors.length > 0 && (
        <small id={`${id}-error`} class="field-error">
          {errors.join('; ')}
        </small>
      )}
    </div>
  );
}

/** The buttons under an inline form: its submit (labelled for what it does) and Cancel. */
export function FormActions({ submit, kind, onCancel }: { submit: string; kind: 'primary' | 'danger'; onCancel: () => void }) {
  return (
    <div class="actions">
      <button type="submit" class={kind}>
        {submit}
      </button>
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}

/** A column of a `Table`: its header, which also labels each of its cells in the phone layout (tables become cards). */
export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  class?: string;
}

/**
 * A data table in its scrolling wrapper: a header row and a row per item, every cell labelled by its
 * column. `empty` is shown instead when there are no rows; `children` go below the table (a "more" button).
 */
export interface TableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string | number;
  /** Attributes of a row, for styling and for tests to find it (`data-case`). */
  rowAttrs?: (row: T) => Record<string, string>;
  class?: string;
  empty?: ComponentChildren;
  children?: ComponentChildren;
}

export function Table<T>({ columns, rows, rowKey, rowAttrs, class: className, empty, children }: TableProps<T>) {
  if (rows.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <div class="table-wrap">
      <table class={className}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)} {...rowAttrs?.(row)}>
              {columns.map((c) => (
                <td key={c.label} data-label={c.label} class={c.class}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {children}
    </div>
  );
}
