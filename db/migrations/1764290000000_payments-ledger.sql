-- Up Migration

-- The payments ledger: one row per case and purpose, so a retried or replayed step never pays twice.
-- Amounts are integer minor units with their ISO 4217 currency; never floating point.
CREATE TABLE payments (
  payment_id  text        PRIMARY KEY,
  case_id     text        NOT NULL,
  purpose     text        NOT NULL CHECK (purpose IN ('prepayment', 'settlement')),
  amount      bigint      NOT NULL CHECK (amount > 0),
  currency    char(3)     NOT NULL,
  payee_code  text        NOT NULL,
  payee_name  text        NOT NULL,
  reference   text        NOT NULL,
  paid_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, purpose)
);

-- Overpaid advances to recover from the claimant (assessed below the prepayment): one per case.
CREATE TABLE recoveries (
  recovery_id text        PRIMARY KEY,
  case_id     text        NOT NULL UNIQUE,
  amount      bigint      NOT NULL CHECK (amount > 0),
  currency    char(3)     NOT NULL,
  reason      text        NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE recoveries;
DROP TABLE payments;
