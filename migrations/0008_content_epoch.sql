-- A random number that names this database's line of content generations. Cached outputs are
-- keyed by (epoch, generation), so a database restored from a backup (a new database, a new epoch)
-- can never be served what another database rendered at the same generation number.
INSERT INTO site_state (key, value) VALUES ('epoch', abs(random() % 9007199254740991));
