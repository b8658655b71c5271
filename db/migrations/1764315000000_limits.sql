-- Up Migration

-- Idempotency keys are scoped to the caller AND the route: the same key sent to open a case and to
-- decide a task are two keys. Existing rows are all openings.
ALTER TABLE idempotency_keys ADD COLUMN route text NOT NULL DEFAULT 'POST /v1/cases';
ALTER TABLE idempotency_keys ALTER COLUMN route DROP DEFAULT;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (scope, route, key);
-- Keys expire (IDEMPOTENCY_KEY_TTL); the purge finds the old ones by age.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Rate-limit counters shared by every API process: one row per bucket (limiter prefix and caller),
-- with its count and when its window ends (epoch ms). The layout is the one rate-limiter-flexible's
-- RateLimiterPostgres reads and writes; it is created here (tableCreated: true) so that the schema
-- has one owner and the API needs no DDL rights.
CREATE TABLE rate_limits (
  key    text    PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
CREATE INDEX rate_limits_expire ON rate_limits (expire);

-- Down Migration

DROP TABLE rate_limits;
DROP INDEX idempotency_keys_created_at;
DELETE FROM idempotency_keys WHERE route <> 'POST /v1/cases';
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (scope, key);
ALTER TABLE idempotency_keys DROP COLUMN route;
