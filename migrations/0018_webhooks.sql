-- Webhooks (src/services/webhooks.ts): endpoints admins register, the events they are told of, and
-- each event's delivery to each endpoint.
--
-- An event and its deliveries are written in the same batch as the change they report (an issue
-- write, a new piece of feedback), so none is lost with an isolate and none is sent for a change
-- that rolled back. Deliveries then go through Cloudflare Queues (the WEBHOOKS queue): `pending`
-- rows are claimed (`queued`, with a fresh lease the message carries) and sent to the queue; the
-- consumer POSTs, records the attempt, and retries with backoff; Queues moves a message past its
-- last retry to the dead-letter queue, whose consumer marks the delivery `failed`.
CREATE TABLE webhooks (
  id              TEXT PRIMARY KEY,
  url             TEXT NOT NULL,
  -- A JSON array of event types.
  events          TEXT NOT NULL,
  description     TEXT NOT NULL DEFAULT '',
  -- `whsec_` and the base64 of 32 random bytes (Standard Webhooks); shown once, when created.
  secret          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  -- When the current run of failed attempts began (null after a success): an endpoint failing
  -- for days is disabled, with the reason.
  failing_since   TEXT,
  disabled_at     TEXT,
  disabled_reason TEXT
);

-- One event, as it is sent to every endpoint that asked for its type: `id` is its `webhook-id`.
CREATE TABLE webhook_events (
  id         TEXT PRIMARY KEY,
  type       TEXT NOT NULL,
  -- The issue an event is about: deliveries to one endpoint about one issue go out in order.
  subject    TEXT,
  payload    TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
  -- The order events happened in (per endpoint and subject, a delivery waits for the earlier ones).
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id        TEXT NOT NULL REFERENCES webhook_events (id),
  subject         TEXT,
  -- pending (waiting its turn), queued (in the queue: sent, retrying), delivered, failed.
  status          TEXT NOT NULL DEFAULT 'pending',
  -- The message in the queue that may act for this delivery; an older one is acknowledged unused.
  lease           TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT NOT NULL,
  -- When the queue should hand the delivery over next (a queued one past it by far is sent again).
  next_attempt_at TEXT,
  last_attempt_at TEXT,
  last_status     INTEGER,
  last_error      TEXT,
  -- At most a short excerpt of the endpoint's answer.
  last_response   TEXT,
  latency_ms      INTEGER,
  delivered_at    TEXT
);

CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_chain ON webhook_deliveries (webhook_id, subject, seq);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_by_age ON webhook_deliveries (created_at);
