-- Search results come most recently published first, in the index's own order (its rowid is
-- issues.seq), so that a page costs the same however many issues match. From now on each publish
-- takes a new seq (src/storage/search.ts, moveToNewestSeq); here the issues already published are
-- numbered in the order they were published, and the index is rebuilt on the new numbers.
UPDATE issues SET seq = -seq;
UPDATE issues SET seq = ranked.r
  FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY published_at IS NOT NULL, published_at, -seq) AS r FROM issues) AS ranked
  WHERE ranked.id = issues.id;
DELETE FROM issue_search;
INSERT INTO issue_search (rowid, title, summary, body)
  SELECT seq, title, COALESCE((SELECT group_concat(value, char(10)) FROM json_each(issues.summary)), ''), body FROM issues;
