-- Up Migration

-- Who read which case's history, and when: every timeline, raw history or verification answered
-- to anyone (auditors included). Append-only: rows are inserted, never changed or removed, and the
-- database itself refuses UPDATE, DELETE and TRUNCATE, whatever the application does.
CREATE TABLE case_access_log (
  id          bigserial   PRIMARY KEY,
  accessed_at timestamptz NOT NULL DEFAULT now(),
  case_id     text        NOT NULL,
  action      text        NOT NULL CHECK (action IN ('timeline', 'raw-history', 'verify')),
  actor_sub   text        NOT NULL,
  actor_name  text        NOT NULL,
  actor_roles text[]      NOT NULL,
  actor_dept  text,
  status      smallint    NOT NULL,
  request_id  text
);
CREATE INDEX case_access_log_case ON case_access_log (case_id, id DESC);
CREATE INDEX case_access_log_sub ON case_access_log (actor_sub, id DESC);

CREATE FUNCTION case_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER case_access_log_no_change BEFORE UPDATE OR DELETE ON case_access_log
  FOR EACH ROW EXECUTE FUNCTION case_access_log_append_only();
CREATE TRIGGER case_access_log_no_truncate BEFORE TRUNCATE ON case_access_log
  FOR EACH STATEMENT EXECUTE FUNCTION case_access_log_append_only();

-- Down Migration
DROP TABLE case_access_log;
DROP FUNCTION case_access_log_append_only();
