-- Tags keep the editor's display form ("AI", not "ai"): issues.tags holds it as written, while
-- issue_tags.tag and tag_counts.tag stay the key (folded) that URLs, filters and counts use.
-- `name` is the display form: per issue as its editor wrote it, per tag that of the tag's most
-- recently published issue. Rows from before this migration hold keys only, so name = tag.
ALTER TABLE issue_tags ADD COLUMN name TEXT;
UPDATE issue_tags SET name = tag;
ALTER TABLE tag_counts ADD COLUMN name TEXT;
UPDATE tag_counts SET name = tag;
