-- A contributor's issues are those created under its token's name (src/services/issue-writes.ts),
-- so two live tokens may not share a name: one would read and edit the other's drafts. A new
-- token given the name of a revoked one takes its issues over: that is how a token is replaced.
-- (If this fails on an existing database, two live tokens share a name: revoke one, then migrate.)
CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked_at IS NULL;
