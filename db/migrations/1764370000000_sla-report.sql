-- Up Migration

-- The SLA report (db/sla-report.ts) counts decisions by their net time to decision: from the
-- task's opening to its decision with the case's clock stops taken out (the view's `decidedNetMs`,
-- computed by the workflow, workflows/lib/tasks.ts).
--
-- Views projected before tasks carried `decidedNetMs` lack it, but hold every stop of the clock:
-- each supplement ends one (it lasted `pausedMs` up to the supplement's `at`); a stop that the
-- closing of the case ended (withdrawn while waiting) is the part of `sla.pausedMs` that no
-- supplement accounts for, up to `closedAt`; and a stop still under way began with the earliest
-- request-info still waiting for its supplement (every other one was reopened by a supplement).
-- This function rebuilds the figure from them: the same arithmetic as the workflow's, to the
-- millisecond (test/api/sla-report.test.ts checks it against views that carry both).
CREATE FUNCTION task_net_ms(view jsonb, opened timestamptz, decided timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
  WITH supplements AS (
    SELECT (s->>'at')::timestamptz AS until, (s->>'pausedMs')::bigint AS ms
      FROM jsonb_array_elements(coalesce(view->'supplements', '[]'::jsonb)) AS s
  ), stops AS (
    SELECT until - ms * interval '1 millisecond' AS since, until FROM supplements
    UNION ALL
    SELECT (view->>'closedAt')::timestamptz
             - (coalesce((view->'sla'->>'pausedMs')::bigint, 0) - (SELECT coalesce(sum(ms), 0) FROM supplements)) * interval '1 millisecond',
           (view->>'closedAt')::timestamptz
     WHERE view->>'closedAt' IS NOT NULL
    UNION ALL
    SELECT min((t->>'decidedAt')::timestamptz), 'infinity'::timestamptz
      FROM jsonb_array_elements(view->'tasks') AS t
     WHERE view->>'closedAt' IS NULL AND t->>'status' = 'decided' AND t->>'outcome' = 'request-info'
  )
  SELECT round(extract(epoch FROM decided - opened) * 1000
               - coalesce(sum(greatest(0, extract(epoch FROM least(until, decided) - greatest(since, opened)) * 1000)), 0))::bigint
    FROM stops
   WHERE since IS NOT NULL
$$;

-- Written with each task from its view (db/cases.ts), falling back to the function above.
ALTER TABLE case_tasks ADD COLUMN decided_net_ms bigint;
UPDATE case_tasks ct
   SET decided_net_ms = coalesce((t->>'decidedNetMs')::bigint, task_net_ms(c.view, ct.opened_at, ct.decided_at))
  FROM cases c CROSS JOIN LATERAL jsonb_array_elements(c.view->'tasks') AS t
 WHERE c.case_id = ct.case_id AND t->>'taskId' = ct.task_id AND ct.decided_at IS NOT NULL;

-- The report's windows: tasks by their decision time, cases by their opening time.
CREATE INDEX case_tasks_decided_idx ON case_tasks (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX cases_opened_at_idx ON cases (opened_at);

-- Down Migration
DROP INDEX cases_opened_at_idx;
DROP INDEX case_tasks_decided_idx;
ALTER TABLE case_tasks DROP COLUMN decided_net_ms;
DROP FUNCTION task_net_ms(jsonb, timestamptz, timestamptz);
