-- Up Migration

-- Where notifications go: each department's mailbox (its caseworkers) and its supervisor's, keyed by
-- the department's slug, and the command centre's (the entry `command-center`). Read when a
-- notification is delivered, so a change reaches every notification not delivered yet.
CREATE TABLE directory (
  dept             text        PRIMARY KEY,
  email            text,
  supervisor_email text,
  updated_by       text        NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One delivery per notification and channel. The sender plans them from the channels it is
-- configured with (`planned` on the notification), then delivers what is due: `pending` until an
-- attempt succeeds (`delivered`) or the last allowed attempt fails (`failed`, with its reason).
-- `delivery_id` names the delivery to the receiver (X-OneStop-Delivery, the mail's Message-ID) and
-- stays the same across its attempts, so a receiver can drop a repeat.
CREATE TABLE notification_deliveries (
  notification_id bigint      NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  channel         text        NOT NULL CHECK (channel IN ('email', 'webhook', 'log')),
  delivery_id     uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  delivered_at    timestamptz,
  -- The address the last attempt went to (resolved at delivery time).
  address         text,
  -- Why the last attempt failed (an applicant's address replaced by <address>); cleared on delivery.
  reason          text,
  retried_by      text,
  retried_at      timestamptz,
  PRIMARY KEY (notification_id, channel)
);
-- The sender's queue: pending deliveries by when they are due.
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at, notification_id) WHERE status = 'pending';
-- The admin's list of failed deliveries.
CREATE INDEX notification_deliveries_failed_idx ON notification_deliveries (notification_id) WHERE status = 'failed';

ALTER TABLE notifications ADD COLUMN planned boolean NOT NULL DEFAULT false;
-- What the log channel did before channels existed: sent rows were delivered, rows that used up
-- their ten attempts failed. Unsent rows stay unplanned and go out on the channels configured now.
INSERT INTO notification_deliveries (notification_id, channel, status, attempts, next_attempt_at, last_attempt_at, delivered_at, reason)
SELECT id, 'log', CASE WHEN sent_at IS NOT NULL THEN 'delivered' ELSE 'failed' END, attempts, now(), sent_at, sent_at, last_error
FROM notifications WHERE sent_at IS NOT NULL OR attempts >= 10;
UPDATE notifications SET planned = true WHERE sent_at IS NOT NULL OR attempts >= 10;
CREATE INDEX notifications_unplanned_idx ON notifications (id) WHERE NOT planned;
DROP INDEX notifications_unsent_idx;
ALTER TABLE notifications DROP COLUMN sent_at, DROP COLUMN attempts, DROP COLUMN last_error;

-- Down Migration
ALTER TABLE notifications ADD COLUMN sent_at timestamptz, ADD COLUMN attempts integer NOT NULL DEFAULT 0, ADD COLUMN last_error text;
UPDATE notifications n SET sent_at = d.delivered_at, attempts = d.attempts, last_error = d.reason
FROM (SELECT notification_id, max(delivered_at) AS delivered_at, max(attempts) AS attempts, max(reason) AS reason
      FROM notification_deliveries GROUP BY notification_id) d
WHERE d.notification_id = n.id;
CREATE INDEX notifications_unsent_idx ON notifications (id) WHERE sent_at IS NULL;
DROP INDEX notifications_unplanned_idx;
ALTER TABLE notifications DROP COLUMN planned;
DROP TABLE notification_deliveries;
DROP TABLE directory;
