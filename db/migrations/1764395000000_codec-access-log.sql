-- Up Migration

-- Payloads decoded through the codec endpoint (POST /codec/decode: the Temporal Web UI, the CLI) are
-- case contents read, so each answered decode is logged here too, as `codec-decode`. The codec-server
-- protocol names no case (the Web UI sends only its namespace), so such a row has no case_id; it says
-- what the request did say: the namespace, how many payloads were decoded, and the Origin it came
-- from (a Web UI; none from the CLI). Every case read still names its case. Adding columns and
-- constraints rewrites no row: the append-only triggers stay as they are.
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check
  CHECK (action IN ('timeline', 'raw-history', 'verify', 'codec-decode'));
ALTER TABLE case_access_log ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE case_access_log
  ADD COLUMN namespace     text,
  ADD COLUMN payloads      integer,
  ADD COLUMN client_origin text;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_what_was_read CHECK (
  CASE WHEN action = 'codec-decode'
    THEN case_id IS NULL AND namespace IS NOT NULL AND payloads IS NOT NULL AND payloads >= 0
    ELSE case_id IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL
  END
);

-- Down Migration

-- The log is append-only: codec-decode rows cannot be removed, so there is no way back once one exists.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM case_access_log WHERE action = 'codec-decode') THEN
    RAISE EXCEPTION 'case_access_log holds codec-decode entries, which are append-only: refusing to migrate down';
  END IF;
END;
$$;
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_what_was_read;
ALTER TABLE case_access_log DROP COLUMN namespace, DROP COLUMN payloads, DROP COLUMN client_origin;
ALTER TABLE case_access_log ALTER COLUMN case_id SET NOT NULL;
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check CHECK (action IN ('timeline', 'raw-history', 'verify'));
