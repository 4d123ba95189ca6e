-- Webhook backlogs (issue 26): claiming reads only the pending deliveries (a partial index in
-- publishing order), however many delivered and failed ones are kept; deliveries left pending for
-- a disabled endpoint past the retention are pruned like the others (new events no longer queue
-- for a disabled endpoint: an admin recovers a chosen period when it is enabled again).
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (seq) WHERE status = 'pending';
CREATE INDEX webhook_events_created ON webhook_events (created_at);
