/**
 * A task on the case page: its state, countdown and assignee, and for its department Claim, Release,
 * Assign, Approve (with the fields its process asks for), Reject and Request information.
 */
import { useRef, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client';
import { claimTask, releaseTask } from '../api/task-work';
import type { CaseView, Task } from '../api/types';
import { t, type Key } from '../i18n';
import { processWeb, type Act, type ApproveExtra } from '../processes';
import { hasRole, type Actor } from '../session';
import { Countdown, errorsAt, Field, focusOnMount, FormActions, Status, Time } from '../ui';
import { AssignForm } from './inbox';

/** Each outcome a task may have (typed by the API document: a new outcome without its name does not compile). */
const OUTCOME_LABEL: Record<NonNullable<Task['outcome']>, Key> = {
  approve: 'outcome.approve',
  reject: 'outcome.reject',
  'request-info': 'outcome.request-info',
  'deemed-approved': 'outcome.deemed-approved',
};

/** A task with its actions; `error` is the page's last refusal, shown at the fields of this task's open form. */
export function TaskCard({
  task,
  view,
  actor,
  fetchedAt,
  act,
  error,
}: {
  task: Task;
  view: CaseView;
  actor: Actor;
  fetchedAt: number;
  act: Act;
  error: unknown;
}) {
  const [mode, setMode] = useState<'reject' | 'request-info' | 'assign'>();
  const [text, setText] = useState('');
  const [comment, setComment] = useState('');
  // What approving sends besides the outcome (claims: the amount); null while its fields are not filled in as they must be.
  const ApproveFields = processWeb(view.kind)?.approveFields?.(task, view);
  const [extra, setExtra] = useState<ApproveExtra | null>({});
  const [extraMissing, setExtraMissing] = useState(false);
  const mine = hasRole(actor, 'caseworker', 'supervisor') && actor.dept === task.dept;
  const supervisor = mine && hasRole(actor, 'supervisor');
  const open = task.status === 'open';
  const heldByOther = !!task.assignee && task.assignee !== actor.sub;
  const remainingMs = task.remainingMs ?? Date.parse(task.dueAt) - fetchedAt;
  const slaMs = task.slaMs ?? Date.parse(task.dueAt) - Date.parse(task.openedAt);
  const caseId = view.caseId;
  // One decision at a time: a double click sends one request (the workflow would refuse the second, but its refusal would show).
  const deciding = useRef(false);
  const decide = async (body: Schemas['Decision']) => {
    if (deciding.current) return;
    deciding.current = true;
    try {
      const done = await act(
        async () => (await ok(api.POST('/v1/cases/{caseId}/tasks/{taskId}/decision', { params: { path: { caseId, taskId: task.taskId } }, body }))) as CaseView,
      );
      if (done) setMode(undefined);
    } finally {
      deciding.current = false;
    }
  };

  return (
    <li class={`task card status-${task.status}`} data-task={task.taskId}>
      <div class="task-head">
        <h3>
          {task.title} <small class="muted">{task.dept}</small>
        </h3>
        <Status s={task.status} />
        {task.escalationLevel > 0 && <span class="badge escalated">↑{task.escalationLevel}</span>}
      </div>
      <dl class="inline">
        <dt>{t('due')}</dt>
        <dd>
          <Time iso={task.dueAt} />
        </dd>
        {open && (
          <>
            <dt>{t('remaining')}</dt>
            <dd>
              <Countdown remainingMs={remainingMs} slaMs={slaMs} paused={view.sla.paused} breached={view.sla.breached} fetchedAt={fetchedAt} />
            </dd>
          </>
        )}
        <dt>{t('assignee')}</dt>
        <dd data-testid="assignee">{task.assigneeName ?? task.assignee ?? t('unassigned')}</dd>
        {task.outcome && (
          <>
            <dt>{t('outcome')}</dt>
            <dd>
              {t(OUTCOME_LABEL[task.outcome])} · {task.decidedByName ?? task.decidedBy} · <Time iso={task.decidedAt} />
            </dd>
          </>
        )}
        {task.comment && (
          <>
            <dt>{t('comment')}</dt>
            <dd>{task.comment}</dd>
          </>
        )}
        {task.requestedDocuments.length > 0 && (
          <>
            <dt>{t('requestedDocuments')}</dt>
            <dd>{task.requestedDocuments.join(', ')}</dd>
          </>
        )}
      </dl>
      {mine && open && (
        <div class="actions" role="group" aria-label={`${t('actions')}: ${task.title}`}>
          {task.assignee !== actor.sub && hasRole(actor, 'caseworker') && (
            <button type="button" onClick={() => void act(() => claimTask(caseId, task.taskId))}>
              {t('claim')}
            </button>
          )}
          {task.assignee && (task.assignee === actor.sub || supervisor) && (
            <button type="button" onClick={() => void act(() => releaseTask(caseId, task.taskId))}>
              {t('release')}
            </button>
          )}
          {supervisor && (
            <button type="button" aria-expanded={mode === 'assign'} onClick={() => setMode(mode === 'assign' ? undefined : 'assign')}>
              {t('assign')}
            </button>
          )}
          <button
            type="button"
            class="primary"
            onClick={() => {
              setExtraMissing(extra === null);
              if (extra !== null) void decide({ outcome: 'approve', ...extra, ...(comment ? { comment } : {}) });
            }}
          >
            {t('approve')}
          </button>
          <button type="button" class="danger" aria-expanded={mode === 'reject'} onClick={() => setMode(mode === 'reject' ? undefined : 'reject')}>
            {t('reject')}
          </button>
          <button type="button" aria-expanded={mode === 'request-info'} onClick={() => setMode(mode === 'request-info' ? undefined : 'request-info')}>
            {t('requestInfo')}
          </button>
          {heldByOther && <span class="muted">({task.assigneeName ?? task.assignee})</span>}
        </div>
      )}
      {mine && open && !mode && ApproveFields && <ApproveFields task={task} view={view} onChange={setExtra} />}
      {mine && open && !mode && extraMissing && extra === null && (
        <p class="field-error" role="alert">
          {t('fillInToApprove')}
        </p>
      )}
      {mine && open && !mode && (
        <Field
          label={t('comment')}
          errors={errorsAt(error, 'body.comment')}
          render={(a) => <input {...a} value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />}
        />
      )}
      {mode === 'assign' && (
        <AssignForm
          item={{ caseId, taskId: task.taskId }}
          onDone={(assigned) => {
            // The answer is the new case view (a page reload would sign out: tokens live in memory).
            setMode(undefined);
            void act(async () => assigned);
          }}
        />
      )}
      {mode === 'reject' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void decide({ outcome: 'reject', comment: text.trim() });
          }}
        >
          <Field
            label={t('rejectReason')}
            errors={errorsAt(error, 'body.comment')}
            render={(a) => (
              // Opened from its button: the keyboard goes on where the typing starts.
              <textarea {...a} ref={focusOnMount} required rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
            )}
          />
          <FormActions submit={t('confirmReject')} kind="danger" onCancel={() => setMode(undefined)} />
        </form>
      )}
      {mode === 'request-info' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const requestedDocuments = text
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean);
            void decide({ outcome: 'request-info', requestedDocuments, ...(comment ? { comment } : {}) });
          }}
        >
          <Field
            label={t('documentsRequested')}
            errors={errorsAt(error, 'body.requestedDocuments')}
            render={(a) => (
              <textarea {...a} ref={focusOnMount} required rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
            )}
          />
          <FormActions submit={t('confirmRequest')} kind="primary" onCancel={() => setMode(undefined)} />
        </form>
      )}
    </li>
  );
}
