-- Up Migration

-- A document filed with a case is downloaded through that case (GET /v1/cases/:caseId/files/:digest):
-- the access log names both the case and the document. A download by digest alone (its uploader,
-- admins, auditors) still names no case.
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_what_was_read;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_what_was_read CHECK (
  CASE action
    WHEN 'codec-decode' THEN case_id IS NULL AND namespace IS NOT NULL AND payloads IS NOT NULL AND payloads >= 0 AND document_digest IS NULL
    WHEN 'document-download' THEN document_digest IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL
    ELSE case_id IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL AND document_digest IS NULL
  END
);

-- Down Migration
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_what_was_read;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_what_was_read CHECK (
  CASE action
    WHEN 'codec-decode' THEN case_id IS NULL AND namespace IS NOT NULL AND payloads IS NOT NULL AND payloads >= 0 AND document_digest IS NULL
    WHEN 'document-download' THEN case_id IS NULL AND document_digest IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL
    ELSE case_id IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL AND document_digest IS NULL
  END
);
