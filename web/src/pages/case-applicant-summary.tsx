/**
 * The top of a case page for the enterprise that applied: where its case stands in plain words, the
 * time it has left (or why its clock is stopped), and what is asked of it, by whom and by when.
 */
import type { CaseView } from '../api/types';
import { applicantSummary, requestsOfYou } from '../applicant/summary';
import { TimeLeft } from '../applicant/time-left';
import { messages } from '../i18n';
import { Time } from '../ui';

const m = messages(
  {
    title: 'Your case',
    timeLeft: 'Time left',
    asked: 'Asked of you',
    askedBy: '{dept} ({task}) asks for:',
    dueBy: 'Send them by',
  },
  {
    title: '您的案件',
    timeLeft: '剩余时间',
    asked: '需要您提交',
    askedBy: '{dept}（{task}）要求提交：',
    dueBy: '提交截止时间',
  },
);

export function ApplicantSummary({ view }: { view: CaseView }) {
  const asked = requestsOfYou(view);
  return (
    <section class="card applicant-summary" aria-labelledby="applicant-summary-title">
      <h2 id="applicant-summary-title">{m('title')}</h2>
      <p class="summary" data-summary>
        {applicantSummary(view)}
      </p>
      <p>
        {m('timeLeft')}: <TimeLeft view={view} />
      </p>
      {asked.length > 0 && (
        <div data-asked>
          <h3>{m('asked')}</h3>
          {asked.map((task) => (
            <div key={task.taskId} data-asked-task={task.taskId}>
              <p>{m('askedBy', { dept: task.dept, task: task.title })}</p>
              <ul>
                {task.requestedDocuments.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            </div>
          ))}
          {view.sla.supplementDueAt && (
            <p data-supplement-due>
              {m('dueBy')}:{' '}
              <strong>
                <Time iso={view.sla.supplementDueAt} />
              </strong>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
