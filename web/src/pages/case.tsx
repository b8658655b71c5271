/**
 * A case: applicant, details, every task (status, due, assignee, countdown), and the actions the
 * signed-in user may take. Refusals are shown from the problem details; the workflow remains the judge.
 */
import { useRef, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client';
import { CLOSED_STATUSES } from '../api/enums';
import { addComment, claimTask, releaseTask } from '../api/task-work';
import { Details } from '../details';
import type { CaseView, Task } from '../api/types';
import { processWeb, type Act, type ApproveExtra } from '../processes';
import { t, type Key } from '../i18n';
import { hasRole, type Actor } from '../session';
import { Countdown, errorsAt, Field, focusOnMount, FormActions, Loading, Priority, ProblemView, Status, Time, useAsync } from '../ui';
import { AssignForm } from './inbox';

export function CasePage({ caseId, actor }: { caseId: string; actor: Actor }) {
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [fresh, setFresh] = useState<CaseView>();
  const loaded = useAsync(async () => {
    const v = (await ok(api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } }))) as CaseView;
    setFetchedAt(Date.now());
    setFresh(undefined);
    return v;
  }, [caseId]);
  const view = fresh ?? loaded.data;
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string>();

  /** Runs an action; its answer is the new case view. */
  const act = async (run: () => Promise<CaseView>) => {
    setError(undefined);
    setMessage(undefined);
    try {
      const v = await run();
      setFresh(v);
      setFetchedAt(Date.now());
      setMessage(t('done'));
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };

  return (
    <Loading when={{ ...loaded, data: view }}>
      {() => {
        const v = view!;
        const open = !CLOSED_STATUSES.includes(v.status);
        const ownEnterprise = hasRole(actor, 'applicant') && actor.org === v.applicant.creditCode;
        const openingDept = hasRole(actor, 'caseworker') && !!actor.dept && actor.dept === v.openedByDept;
        const forApplicant = ownEnterprise || openingDept;
        const staff = hasRole(actor, 'caseworker', 'supervisor', 'auditor');
        const Panel = processWeb(v.kind)?.CasePanel;
        return (
          <article class="case" data-status={v.status}>
            <header class="case-head">
              <h1>
                {v.priority && <Priority />} {v.title}
              </h1>
              <p class="muted">
                <code>{v.caseId}</code> · <Status s={v.status} /> · {t('openedAt')} <Time iso={v.openedAt} /> · {t('openedBy')} {v.openedByName}
                {v.openedByDept ? ` (${v.openedByDept})` : ''}
                {hasRole(actor, 'auditor', 'supervisor') && (
                  <>
                    {' '}
                    · <a href={`/audit/${encodeURIComponent(v.caseId)}`}>{t('auditTimeline')}</a>
                  </>
                )}
              </p>
              <p>
                {t('sla')}: {t('deadline')} <Time iso={v.sla.deadlineAt} />
                {v.sla.paused && <span class="badge paused">{t('clockStopped')}</span>}
                {v.sla.breached && <span class="badge breached">{t('breached')}</span>}
                {v.sla.supplementDueAt && (
                  <>
                    {' '}
                    · {t('supplementDue')} <Time iso={v.sla.supplementDueAt} />
                  </>
                )}
                {v.sla.calendar && (
                  <span class="muted">
                    {' '}
                    · {t('calendar')} {v.sla.calendar.id} v{v.sla.calendar.version}
                  </span>
                )}
              </p>
            </header>

            <div class="grid">
              <section class="card">
                <h2>{t('applicant')}</h2>
                <dl>
                  <dt>{t('name')}</dt>
                  <dd>{v.applicant.name}</dd>
                  <dt>{t('creditCode')}</dt>
                  <dd>
                    <code>{v.applicant.creditCode}</code>
                  </dd>
                  {v.applicant.contact && (
                    <>
                      <dt>{t('contact')}</dt>
                      <dd>
                        {v.applicant.contact.name} · {v.applicant.contact.phone} · {v.applicant.contact.email}
                      </dd>
                    </>
                  )}
                </dl>
              </section>
              <section class="card">
                <h2>{t('details')}</h2>
                <Details details={v.details} />
              </section>
            </div>

            {Panel && <Panel view={v} actor={actor} act={act} fetchedAt={fetchedAt} />}

            <ProblemView error={error} />
            {message && (
              <p class="notice" role="status">
                {message}
              </p>
            )}

            <section>
              <h2>{t('tasks')}</h2>
              <ul class="tasks">
                {v.tasks.map((task) => (
                  <TaskCard key={task.taskId} task={task} view={v} actor={actor} fetchedAt={fetchedAt} act={act} error={error} />
                ))}
              </ul>
            </section>

            {v.decision && (
              <section class="card">
                <h2>{t('decision')}</h2>
                <p>
                  <Status s={v.decision.status} /> {v.decision.number && <code>{v.decision.number}</code>} · <Time iso={v.decision.at} />
                </p>
                <ul>
                  {v.decision.reasons.map((r, i) => (
                    <li key={i}>
                      {r.taskId ? `${r.taskId}: ` : ''}
                      {r.reason}
                    </li>
                  ))}
                </ul>
              </section>
            )}

            {forApplicant && open && <ApplicantActions view={v} act={act} error={error} />}

            {v.supplements.length > 0 && (
              <section>
                <h2>{t('supplements')}</h2>
                <ul>
                  {v.supplements.map((s, i) => (
                    <li key={i}>
                      <Time iso={s.at} /> {s.byName}: {s.documents.map((d) => `${d.name} (${d.ref})`).join(', ')}
                      {s.note ? ` — ${s.note}` : ''}
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {v.escalations.length > 0 && (
              <section>
                <h2>{t('escalations')}</h2>
                <ul>
                  {v.escalations.map((e, i) => (
                    <li key={i}>
                      <Time iso={e.at} /> {e.taskId}: {e.action} ({e.level})
                    </li>
                  ))}
                </ul>
              </section>
            )}
            <Notifications caseId={v.caseId} version={fetchedAt} />
            {staff && <Comments view={v} act={act} error={error} />}
          </article>
        );
      }}
    </Loading>
  );
}

/** Each outcome a task may have (typed by the API document: a new outcome without its name does not compile). */
const OUTCOME_LABEL: Record<NonNullable<Task['outcome']>, Key> = {
  approve: 'outcome.approve',
  reject: 'outcome.reject',
  'request-info': 'outcome.request-info',
  'deemed-approved': 'outcome.deemed-approved',
};

/** A task with its actions; `error` is the page's last refusal, shown at the fields of this task's open form. */
function TaskCard({ task, view, actor, fetchedAt, act, error }: { task: Task; view: CaseView; actor: Actor; fetchedAt: number; act: Act; error: unknown }) {
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

function ApplicantActions({ view, act, error }: { view: CaseView; act: Act; error: unknown }) {
  const requested = view.tasks.filter((x) => x.status === 'open').flatMap((x) => x.requestedDocuments);
  const [mode, setMode] = useState<'supplement' | 'withdraw'>();
  const [docs, setDocs] = useState(() => requested.map((d) => `${d} | `).join('\n'));
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const caseId = view.caseId;
  return (
    <section class="card">
      <h2>{t('actions')}</h2>
      <div class="actions">
        {view.status === 'awaiting-supplement' && (
          <button type="button" class="primary" aria-expanded={mode === 'supplement'} onClick={() => setMode(mode === 'supplement' ? undefined : 'supplement')}>
            {t('supplement')}
          </button>
        )}
        <button type="button" class="danger" aria-expanded={mode === 'withdraw'} onClick={() => setMode(mode === 'withdraw' ? undefined : 'withdraw')}>
          {t('withdraw')}
        </button>
      </div>
      {requested.length > 0 && (
        <p>
          {t('requestedDocuments')}: <strong>{requested.join(', ')}</strong>
        </p>
      )}
      {mode === 'supplement' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const documents = docs
              .split('\n')
              .map((l) => l.split('|').map((p) => p.trim()))
              .filter(([name]) => name)
              .map(([name, ref]) => ({ name: name!, ref: ref || name! }));
            void act(
              async () =>
                (await ok(
                  api.POST('/v1/cases/{caseId}/supplements', { params: { path: { caseId } }, body: { documents, ...(note ? { note } : {}) } }),
                )) as CaseView,
            ).then((done) => done && setMode(undefined));
          }}
        >
          <Field
            label={t('supplementDocs')}
            errors={errorsAt(error, 'body.documents')}
            render={(a) => <textarea {...a} required rows={4} value={docs} onInput={(e) => setDocs((e.target as HTMLTextAreaElement).value)} />}
          />
          <Field
            label={t('note')}
            errors={errorsAt(error, 'body.note')}
            render={(a) => <input {...a} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />}
          />
          <FormActions submit={t('send')} kind="primary" onCancel={() => setMode(undefined)} />
        </form>
      )}
      {mode === 'withdraw' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void act(
              async () => (await ok(api.POST('/v1/cases/{caseId}/withdraw', { params: { path: { caseId } }, body: { reason: reason.trim() } }))) as CaseView,
            );
          }}
        >
          <Field
            label={t('withdrawReason')}
            errors={errorsAt(error, 'body.reason')}
            render={(a) => <textarea {...a} required rows={2} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />}
          />
          <FormActions submit={t('confirmWithdraw')} kind="danger" onCancel={() => setMode(undefined)} />
        </form>
      )}
    </section>
  );
}

function Comments({ view, act, error }: { view: CaseView; act: Act; error: unknown }) {
  const [text, setText] = useState('');
  const comments = view.comments ?? [];
  return (
    <section class="card">
      <h2>{t('comments')}</h2>
      {comments.length === 0 ? (
        <p class="muted">{t('none')}</p>
      ) : (
        <ul class="comments">
          {comments.map((c, i) => (
            <li key={i}>
              <Time iso={c.at} /> <strong>{c.byName}</strong>
              {c.taskId ? ` (${c.taskId})` : ''}: {c.text}
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void act(() => addComment(view.caseId, text.trim())).then((done) => done && setText(''));
        }}
      >
        <Field
          label={t('commentText')}
          errors={errorsAt(error, 'body.text')}
          render={(a) => <input {...a} required value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />}
        />
        <button type="submit">{t('addComment')}</button>
      </form>
    </section>
  );
}

type Notice = Schemas['Notification'];

/** The case's notices and whether they reached their recipients (reloaded with the case). */
function Notifications({ caseId, version }: { caseId: string; version: number }) {
  const loaded = useAsync(async () => (await ok(api.GET('/v1/cases/{caseId}/notifications', { params: { path: { caseId } } }))) as Notice[], [caseId, version]);
  const notices = loaded.data ?? [];
  if (!notices.length) return null;
  return (
    <section class="card notifications">
      <h2>{t('notifications')}</h2>
      <ul>
        {notices.map((n) => (
          <li key={n.id} data-kind={n.kind} data-status={n.status}>
            <Time iso={n.at} /> <strong>{n.kind}</strong> → {t(`recipient.${n.recipient.type}` as Key)}
            {n.recipient.dept ? ` ${n.recipient.dept}` : ''}
            {n.recipient.address ? ` <${n.recipient.address}>` : ''} <Status s={n.status} />
            {n.text && <div>{n.text}</div>}
            {n.deliveries
              .filter((d) => d.status !== 'delivered')
              .map((d) => (
                <div key={d.channel} class="muted">
                  {d.channel}: <Status s={d.status} /> {d.attempts} {t('attempts')}
                  {d.reason ? ` — ${d.reason}` : ''}
                  {d.nextAttemptAt && (
                    <>
                      {' '}
                      · {t('nextAttempt')} <Time iso={d.nextAttemptAt} />
                    </>
                  )}
                </div>
              ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
