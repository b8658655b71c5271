-- Up Migration

-- The recorded Temporal history of every closed case, kept after Temporal's retention ends.
-- One row per history event, chained: hash = sha256(prev_hash || canonical JSON of the event), so
-- altering, removing or reordering any kept event breaks the chain from there on.
CREATE TABLE history_archive (
  case_id    text        NOT NULL,
  event_id   bigint      NOT NULL,
  event      jsonb       NOT NULL,
  prev_hash  text        NOT NULL,
  hash       text        NOT NULL,
  PRIMARY KEY (case_id, event_id)
);

-- Which closed cases are archived, with the chain's head (what an auditor can write down or publish).
CREATE TABLE archived_cases (
  case_id     text        PRIMARY KEY,
  events      integer     NOT NULL,
  head_hash   text        NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE archived_cases;
DROP TABLE history_archive;
