/** A case's comments (staff and auditors) and its notices with their delivery. */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../api/client';
import { addComment } from '../api/task-work';
import type { CaseView } from '../api/types';
import { t, type Key } from '../i18n';
import type { Act } from '../processes';
import { errorsAt, Field, Status, Time, useAsync } from '../ui';

export function Comments({ view, act, error }: { view: CaseView; act: Act; error: unknown }) {
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
export function Notifications({ caseId, version }: { caseId: string; version: number }) {
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
