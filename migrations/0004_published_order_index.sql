-- Reader lists page through published issues by (published_at, id). A partial index on those two
-- lost to issues_by_status, and SQLite then sorted every published issue for each page (found by
-- the query-cost test in tests/integration/caching.test.ts). Leading with status wins the choice.
DROP INDEX issues_published;
CREATE INDEX issues_published ON issues (status, published_at DESC, id DESC);
