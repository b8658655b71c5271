/**
 * The browser side of each process: panels a process's folder owns (processes/<kind>/web/index.tsx),
 * found by Vite at build time, so adding a process adds no line here. The case page shows a
 * process's panels under the details and asks it for the fields that go with approving one of its
 * tasks (claims: the amount); every other part of a case page is the engine's.
 */
import type { ComponentType } from 'preact';
import type { Schemas } from './api/client';
import { addStatusLabels, type SharedStatus, type StatusLabel } from './i18n';
import type { CaseView, Task } from './api/types';
import type { Actor } from './session';

/** Runs an action of the case page; its answer is the new case view. Resolves true when it was done. */
export type Act = (run: () => Promise<CaseView>) => Promise<boolean>;

export interface CasePanelProps {
  view: CaseView;
  actor: Actor;
  act: Act;
  /** When the view was fetched (countdowns count from it). */
  fetchedAt: number;
}

/** What approving a task sends besides the outcome and comment (the decision body's approve shape). */
export type ApproveExtra = Omit<Extract<Schemas['Decision'], { outcome: 'approve' }>, 'outcome' | 'comment'>;

export interface ApproveFieldsProps {
  task: Task;
  view: CaseView;
  /** What approving sends besides the outcome, or null while a field is not filled in as it must be. */
  onChange: (extra: ApproveExtra | null) => void;
}

/**
 * The names of a process's statuses that the shared table does not have, in both languages: typed by
 * the process's own statuses (`StatusLabels<ClaimStatus>`), so a status added without its name does not compile.
 */
export type StatusLabels<S extends string> = Readonly<Record<Exclude<S, SharedStatus>, StatusLabel>>;

export interface ProcessWeb {
  /** The template kind (a case's `kind`) these panels are for. */
  kind: string;
  /** Its own statuses' names (shown wherever a status is: badges, the dashboard, lists). */
  statusLabels?: Readonly<Record<string, StatusLabel>>;
  /** Sections of the case page, under the details (the process's own state: money, permits, obligations…). */
  CasePanel?: ComponentType<CasePanelProps>;
  /**
   * The fields that go with approving `task`, when approving it takes more than a comment; the
   * approve button then sends what they report.
   */
  approveFields?: (task: Task, view: CaseView) => ComponentType<ApproveFieldsProps> | undefined;
  /**
   * Where a case stands in the enterprise's plain words, for the process's own states (a permit to
   * produce under, an advance paid); undefined leaves it to the engine's words (web/src/applicant/summary.ts).
   */
  applicantSummary?: (view: CaseView) => string | undefined;
}

const found = import.meta.glob<ProcessWeb>('../../processes/*/web/index.tsx', { eager: true, import: 'web' });

const BY_KIND = new Map(Object.values(found).map((w) => [w.kind, w]));
for (const w of BY_KIND.values()) if (w.statusLabels) addStatusLabels(w.statusLabels);

/** The browser side of the process a case belongs to (none: the engine's page alone). */
export function processWeb(kind: string): ProcessWeb | undefined {
  return BY_KIND.get(kind);
}
