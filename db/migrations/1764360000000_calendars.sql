-- Up Migration

-- Working-day calendars: immutable versions, like templates; a case pins the version it started with
-- (copied into its workflow input), so a later version never moves a running case's deadlines.
CREATE TABLE calendars (
  id          text        NOT NULL,
  version     integer     NOT NULL CHECK (version > 0),
  title       text        NOT NULL,
  body        jsonb       NOT NULL,
  deployed_by text        NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

-- Down Migration

DROP TABLE calendars;
