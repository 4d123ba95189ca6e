-- Contributors read and change only the issues they created: the author of an issue's first
-- revision. This finds a contributor's issues without reading every revision.
CREATE INDEX revisions_by_creator ON revisions (author, issue_id) WHERE n = 1;
