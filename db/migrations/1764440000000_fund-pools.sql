-- Up Migration

-- Emergency fund pools (docs/fund-pools.md): a pool's terms are versioned data an admin deploys; its
-- balance lives here, in one place, never in any one case. Every movement is a row: a reservation per
-- case (reserved, then disbursed or released), and repayments that refill the pool.
CREATE TABLE fund_pool_versions (
  pool_id     text        NOT NULL CHECK (pool_id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  version     integer     NOT NULL CHECK (version > 0),
  body        jsonb       NOT NULL,
  deployed_by text        NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool_id, version)
);

-- One row per pool, locked by every reservation: reservations against one pool are serialised, so
-- two that each fit alone can never both be granted when together they do not.
CREATE TABLE fund_pools (
  pool_id  text   PRIMARY KEY,
  currency text   NOT NULL,
  total    bigint NOT NULL CHECK (total > 0)
);

CREATE TABLE fund_reservations (
  case_id     text        PRIMARY KEY,
  pool_id     text        NOT NULL REFERENCES fund_pools,
  credit_code text        NOT NULL,
  amount      bigint      NOT NULL CHECK (amount > 0),
  state       text        NOT NULL CHECK (state IN ('reserved', 'disbursed', 'released')),
  reserved_at timestamptz NOT NULL DEFAULT now(),
  changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fund_reservations_pool ON fund_reservations (pool_id, credit_code) WHERE state <> 'released';

-- Repayments, each under its own id (a retried repayment records nothing twice).
CREATE TABLE fund_repayments (
  repayment_id text        PRIMARY KEY,
  case_id      text        NOT NULL REFERENCES fund_reservations,
  amount       bigint      NOT NULL CHECK (amount > 0),
  repaid_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fund_repayments_case ON fund_repayments (case_id);

-- Down Migration
DROP TABLE fund_repayments;
DROP TABLE fund_reservations;
DROP TABLE fund_pools;
DROP TABLE fund_pool_versions;
