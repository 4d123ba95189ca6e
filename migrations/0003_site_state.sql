-- Site-wide counters. `generation` goes up with every change readers can see (a publish, an
-- unpublish, an edit of a published issue), in the same transaction as the change; cached
-- outputs are keyed by it, so a change makes every older cached output unreachable. Since 0008
-- the generation is taken from the clock and paired with an epoch (src/storage/content-version.ts),
-- and isolates learn of a change within a bound rather than at once (src/services/content-version.ts).
CREATE TABLE site_state (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO site_state (key, value) VALUES ('generation', 1);
