-- Search terms of one or two characters (서울, 경제, AI) get an index of their own, so that no
-- search scans issue text. Each issue's row holds every distinct character and pair of adjacent
-- characters of its title, summary and body, written as tokens (src/domain/search-text.ts,
-- searchGrams). The table keeps no copy of the text (content='') and no positions (detail=none):
-- a term is one token, so it needs neither. contentless_delete (SQLite 3.43) lets the write path
-- replace a row by rowid, as it does in issue_search.
CREATE VIRTUAL TABLE issue_grams USING fts5 (grams, content = '', contentless_delete = 1, detail = none);

-- Whether an issue's gram row is written. SQL cannot cut text as the Worker does, so the issues
-- already here (and those a backup brings back) are indexed by the cron, a batch a run
-- (src/services/search-index.ts); until none is left, short terms are searched as before, by a scan.
ALTER TABLE issues ADD COLUMN grams_indexed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX issues_grams_pending ON issues (seq) WHERE grams_indexed = 0;
