-- Up Migration

-- Process templates: immutable versions; a case records the version it started with.
CREATE TABLE templates (
  id          text        NOT NULL,
  version     integer     NOT NULL CHECK (version > 0),
  kind        text        NOT NULL,
  title       text        NOT NULL,
  body        jsonb       NOT NULL,
  deployed_by text        NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

-- The list view of cases: a projection the case workflow writes after every change (seq orders
-- the writes, so a retried older write never overwrites a newer one). The workflow stays the truth.
CREATE TABLE cases (
  case_id          text        PRIMARY KEY,
  template_id      text        NOT NULL,
  template_version integer     NOT NULL,
  kind             text        NOT NULL,
  status           text        NOT NULL,
  priority         boolean     NOT NULL DEFAULT false,
  breached         boolean     NOT NULL DEFAULT false,
  deadline_at      timestamptz NOT NULL,
  opened_at        timestamptz NOT NULL,
  opened_by        text        NOT NULL,
  closed_at        timestamptz,
  applicant_code   text        NOT NULL,
  depts            text[]      NOT NULL DEFAULT '{}',
  open_depts       text[]      NOT NULL DEFAULT '{}',
  view             jsonb       NOT NULL,
  seq              integer     NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
-- Queues serve priority cases first, then the soonest due.
CREATE INDEX cases_queue_idx ON cases (priority DESC, deadline_at ASC, case_id ASC);
CREATE INDEX cases_status_idx ON cases (status);
CREATE INDEX cases_template_idx ON cases (template_id);
CREATE INDEX cases_depts_idx ON cases USING gin (depts);
CREATE INDEX cases_applicant_idx ON cases (applicant_code);

-- Idempotency-Key of POST /v1/cases: one key (per caller) names one case, forever.
CREATE TABLE idempotency_keys (
  scope        text        NOT NULL,
  key          text        NOT NULL,
  request_hash text        NOT NULL,
  case_id      text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- Notification outbox: workflows write (idempotently, by key); a sender delivers and marks sent.
CREATE TABLE notifications (
  id             bigserial   PRIMARY KEY,
  key            text        NOT NULL UNIQUE,
  case_id        text        NOT NULL,
  kind           text        NOT NULL,
  task_id        text,
  action         text,
  level          integer,
  recipient_dept text,
  recipient_role text        NOT NULL,
  message        text        NOT NULL,
  event_at       timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  sent_at        timestamptz,
  attempts       integer     NOT NULL DEFAULT 0,
  last_error     text
);
CREATE INDEX notifications_case_idx ON notifications (case_id);
CREATE INDEX notifications_unsent_idx ON notifications (id) WHERE sent_at IS NULL;

-- Formal numbers (decision numbers, permits, licences): one per case and purpose, gap-tolerant.
CREATE SEQUENCE issued_number_seq;
CREATE TABLE issued_numbers (
  case_id   text        NOT NULL,
  purpose   text        NOT NULL,
  number    text        NOT NULL UNIQUE,
  issued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, purpose)
);

-- Key epidemic-prevention SMEs: cases of listed applicants get priority.
CREATE TABLE key_smes (
  credit_code text        PRIMARY KEY,
  name        text        NOT NULL,
  reason      text        NOT NULL,
  added_by    text        NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE key_smes;
DROP TABLE issued_numbers;
DROP SEQUENCE issued_number_seq;
DROP TABLE notifications;
DROP TABLE idempotency_keys;
DROP TABLE cases;
DROP TABLE templates;
