-- Up Migration

-- A case whose activity failed in a way retrying cannot cure (PostgreSQL refused its data) stops
-- there and raises an incident instead of retrying for ever: one row per case while it lasts, with
-- what failed and why in words that quote none of the case's data. An admin lists them and, once
-- the cause is fixed, asks the case to retry (POST /v1/incidents/:caseId/retry); the case
-- removes its row when the activity succeeds. `attempts` counts the failures of this incident.
CREATE TABLE case_incidents (
  case_id    text        PRIMARY KEY,
  activity   text        NOT NULL,
  code       text        NOT NULL,
  reason     text        NOT NULL,
  attempts   integer     NOT NULL DEFAULT 1,
  since      timestamptz NOT NULL,
  last_at    timestamptz NOT NULL,
  retried_by text,
  retried_at timestamptz
);

-- Down Migration
DROP TABLE case_incidents;
