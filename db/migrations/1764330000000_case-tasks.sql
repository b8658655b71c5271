-- Up Migration

-- Every task of every case, projected with the case (same seq): the inbox reads open tasks from
-- here, never by querying workflows. Rows are replaced whenever a newer view of the case lands.
CREATE TABLE case_tasks (
  case_id          text        NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
  task_id          text        NOT NULL,
  dept             text        NOT NULL,
  title            text        NOT NULL,
  status           text        NOT NULL,
  outcome          text,
  opened_at        timestamptz NOT NULL,
  due_at           timestamptz NOT NULL,
  decided_at       timestamptz,
  sla_ms           bigint      NOT NULL,
  -- Time left when the case's clock stopped (constant while stopped); null while it runs.
  remaining_ms     bigint,
  escalation_level integer     NOT NULL,
  assignee         text,
  assignee_name    text,
  -- Copied from the case, so the inbox filters and sorts without a join.
  template_id      text        NOT NULL,
  case_title       text        NOT NULL,
  applicant_name   text        NOT NULL,
  priority         boolean     NOT NULL,
  breached         boolean     NOT NULL,
  paused           boolean     NOT NULL,
  case_opened_at   timestamptz NOT NULL,
  PRIMARY KEY (case_id, task_id)
);
-- The inbox: open tasks of one department, priority first, then the soonest due.
CREATE INDEX case_tasks_inbox_idx ON case_tasks (dept, priority DESC, due_at, case_id, task_id) WHERE status = 'open';
CREATE INDEX case_tasks_assignee_idx ON case_tasks (assignee) WHERE status = 'open';

-- Cases already projected get their tasks from their stored view.
INSERT INTO case_tasks (case_id, task_id, dept, title, status, outcome, opened_at, due_at, decided_at, sla_ms, remaining_ms,
                        escalation_level, assignee, assignee_name, template_id, case_title, applicant_name, priority, breached,
                        paused, case_opened_at)
SELECT c.case_id, t->>'taskId', t->>'dept', t->>'title', t->>'status', t->>'outcome', (t->>'openedAt')::timestamptz,
       (t->>'dueAt')::timestamptz, (t->>'decidedAt')::timestamptz,
       COALESCE((t->>'slaMs')::bigint, 0), (t->>'remainingMs')::bigint, COALESCE((t->>'escalationLevel')::int, 0),
       t->>'assignee', t->>'assigneeName', c.template_id, c.view->>'title', c.view->'applicant'->>'name', c.priority, c.breached,
       COALESCE((c.view->'sla'->>'paused')::boolean, false), c.opened_at
FROM cases c CROSS JOIN LATERAL jsonb_array_elements(c.view->'tasks') AS t;

-- `?dept=` on the case list now means "has an open task of the department".
CREATE INDEX cases_open_depts_idx ON cases USING gin (open_depts);

-- Down Migration
DROP INDEX cases_open_depts_idx;
DROP TABLE case_tasks;
