/**
 * One-stop approval in the browser: the departments reviewing in parallel at a glance (how many have
 * approved, which are still open) and, once decided, the follow-ups the approval handed on. Each
 * department's task, with its actions, is the case page's own.
 */
import { messages } from '../../../web/src/i18n';
import type { CasePanelProps, ProcessWeb, StatusLabels } from '../../../web/src/processes';
import type { OneStopStatus } from '../status';
import { Status } from '../../../web/src/ui';

const m = messages(
  {
    departments: 'Departments',
    approvedOf: '{done} of {all} departments approved',
    followUps: 'Follow-ups handed on',
  },
  {
    departments: '审批部门',
    approvedOf: '{all} 个部门中已有 {done} 个批准',
    followUps: '移交的后续事项',
  },
);

function OneStopPanel({ view }: CasePanelProps) {
  const approved = view.tasks.filter((task) => task.outcome === 'approve').length;
  const followUps = view.decision?.followUps ?? [];
  return (
    <section class="card process-panel" data-panel="one-stop">
      <h2>{m('departments')}</h2>
      <p>{m('approvedOf', { done: approved, all: view.tasks.length })}</p>
      <ul class="dept-summary">
        {view.tasks.map((task) => (
          <li key={task.taskId}>
            {task.dept}: <Status s={task.status} />
          </li>
        ))}
      </ul>
      {followUps.length > 0 && (
        <>
          <h3>{m('followUps')}</h3>
          <ul>
            {followUps.map((f) => (
              <li key={f.dept}>
                {f.dept}: {f.title}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

// Every one-stop status is named by the shared table; a status of its own would need its name here to compile.
const statusLabels: StatusLabels<OneStopStatus> = {};

export const web: ProcessWeb = { kind: 'one-stop-approval', statusLabels, CasePanel: OneStopPanel };
