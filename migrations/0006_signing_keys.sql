-- Keys the Worker signs with, made here once per database so that no deployment step can forget
-- them. `cursor` seals the list cursors that readers pass back: a cursor names a cache entry, so
-- only cursors this site gave out may be used (anyone could otherwise make the cache grow without
-- bound). Backups leave this table out: a restored database makes its own.
CREATE TABLE signing_keys (
  name   TEXT PRIMARY KEY,
  secret TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO signing_keys (name, secret) VALUES ('cursor', lower(hex(randomblob(32))));
