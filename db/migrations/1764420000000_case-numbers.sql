-- Up Migration

-- The case number a person can read and say on the phone (SA-2026-000123): issued by the API as it
-- opens a case, before the workflow starts, once per case id (a retried opening reads it back).
-- A counter per prefix and year is incremented atomically by each issue; a number issued to an
-- opening whose start then failed is never issued again, so numbers have gaps but never repeat.
CREATE TABLE case_number_counters (
  prefix text    NOT NULL,
  year   integer NOT NULL,
  seq    bigint  NOT NULL,
  PRIMARY KEY (prefix, year)
);

CREATE TABLE case_numbers (
  case_id   text        PRIMARY KEY,
  number    text        NOT NULL UNIQUE,
  prefix    text        NOT NULL,
  year      integer     NOT NULL,
  seq       bigint      NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now()
);

-- The projection carries the number for lists and the exact search (?number=). A case opened
-- before numbers existed is known by its id, which is what its workflow shows as its number.
ALTER TABLE cases ADD COLUMN number text;
UPDATE cases SET number = COALESCE(view->>'number', case_id);
ALTER TABLE cases ALTER COLUMN number SET NOT NULL;
CREATE UNIQUE INDEX cases_number_idx ON cases (number);

-- Down Migration
DROP INDEX cases_number_idx;
ALTER TABLE cases DROP COLUMN number;
DROP TABLE case_numbers;
DROP TABLE case_number_counters;
