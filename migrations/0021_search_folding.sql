-- Search folds case, composition and compatibility forms one way (src/domain/search-text.ts,
-- foldForSearch) for the indexes and the queries alike, so the trigram rows now hold folded text.
-- Every issue waits for its rows to be written again: the cron rewrites both of its search rows
-- (storeGrams), 100 a minute; meanwhile 1-2 character terms are matched by a scan of the issues
-- still waiting only.
UPDATE issues SET grams_indexed = 0;
