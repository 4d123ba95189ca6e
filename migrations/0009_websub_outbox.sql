-- WebSub pings waiting to go out. A change readers can see queues a ping per changed feed in its
-- own transaction, due once every location serves the change (a hub fetches the feed as soon as it
-- is pinged); the cron sends what is due, so no ping is sent early and none is lost with an isolate.
CREATE TABLE websub_outbox (
  topic    TEXT PRIMARY KEY,
  due_at   TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
