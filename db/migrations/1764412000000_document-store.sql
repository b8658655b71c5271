-- Up Migration

-- The document store (docs/documents.md): each distinct content once, named by its SHA-256, its
-- bytes in chunks of bytea rows. An upload writes its chunks under a fresh content_id inside one
-- transaction and adds the `documents` row last, once the digest is known; the chunks' foreign key
-- is checked at commit (DEFERRABLE), so an upload that fails or is aborted leaves nothing behind,
-- and one whose content is already stored deletes its own chunks before committing.
CREATE TABLE documents (
  digest           text        PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
  content_id       uuid        NOT NULL UNIQUE,
  size             bigint      NOT NULL CHECK (size > 0),
  media_type       text        NOT NULL,
  name             text        NOT NULL,
  uploaded_at      timestamptz NOT NULL DEFAULT now(),
  -- Refreshed when the same content is uploaded again: the sweep counts from the latest upload.
  last_uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_last_uploaded ON documents (last_uploaded_at);

CREATE TABLE document_chunks (
  content_id uuid    NOT NULL REFERENCES documents (content_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  seq        integer NOT NULL CHECK (seq >= 0),
  data       bytea   NOT NULL,
  PRIMARY KEY (content_id, seq)
);
-- PDFs, images and OFD (ZIP) are compressed already: do not spend CPU trying to compress them again.
ALTER TABLE document_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Everyone who uploaded the content (the same bytes uploaded by two people are stored once, and
-- each of them may download it).
CREATE TABLE document_uploaders (
  digest      text        NOT NULL REFERENCES documents ON DELETE CASCADE,
  uploaded_by text        NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (digest, uploaded_by)
);

-- Which case refers to which document (set by the case wiring). RESTRICT: an attached document can
-- never be deleted, whatever the sweep decided a moment before.
CREATE TABLE document_refs (
  digest      text        NOT NULL REFERENCES documents ON DELETE RESTRICT,
  case_id     text        NOT NULL,
  attached_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (digest, case_id)
);
CREATE INDEX document_refs_case ON document_refs (case_id);

-- Downloads go in the case access log, naming the document (and no case: the download route names none).
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check
  CHECK (action IN ('timeline', 'raw-history', 'verify', 'codec-decode', 'document-download'));
ALTER TABLE case_access_log ADD COLUMN document_digest text;
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_what_was_read;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_what_was_read CHECK (
  CASE action
    WHEN 'codec-decode' THEN case_id IS NULL AND namespace IS NOT NULL AND payloads IS NOT NULL AND payloads >= 0 AND document_digest IS NULL
    WHEN 'document-download' THEN case_id IS NULL AND document_digest IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL
    ELSE case_id IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL AND document_digest IS NULL
  END
);

-- Down Migration

-- The log is append-only: document-download rows cannot be removed, so there is no way back once one exists.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM case_access_log WHERE action = 'document-download') THEN
    RAISE EXCEPTION 'case_access_log holds document-download entries, which are append-only: refusing to migrate down';
  END IF;
END;
$$;
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_what_was_read;
ALTER TABLE case_access_log DROP COLUMN document_digest;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_what_was_read CHECK (
  CASE WHEN action = 'codec-decode'
    THEN case_id IS NULL AND namespace IS NOT NULL AND payloads IS NOT NULL AND payloads >= 0
    ELSE case_id IS NOT NULL AND namespace IS NULL AND payloads IS NULL AND client_origin IS NULL
  END
);
ALTER TABLE case_access_log DROP CONSTRAINT case_access_log_action_check;
ALTER TABLE case_access_log ADD CONSTRAINT case_access_log_action_check
  CHECK (action IN ('timeline', 'raw-history', 'verify', 'codec-decode'));
DROP TABLE document_refs;
DROP TABLE document_uploaders;
DROP TABLE document_chunks;
DROP TABLE documents;
