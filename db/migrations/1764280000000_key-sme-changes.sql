-- Up Migration

-- The key-SME list records who changed an entry last, and every change is logged for audit.
ALTER TABLE key_smes
  ADD COLUMN updated_by text,
  ADD COLUMN updated_at timestamptz;

CREATE TABLE key_sme_changes (
  id          bigserial   PRIMARY KEY,
  credit_code text        NOT NULL,
  action      text        NOT NULL CHECK (action IN ('added', 'updated', 'removed', 'imported')),
  name        text        NOT NULL,
  reason      text        NOT NULL,
  changed_by  text        NOT NULL,
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX key_sme_changes_code_idx ON key_sme_changes (credit_code, id);

-- Down Migration
DROP TABLE key_sme_changes;
ALTER TABLE key_smes
  DROP COLUMN updated_at,
  DROP COLUMN updated_by;
