-- Which version of the Markdown renderer and sanitizer wrote each issue's HTML. 0 is every issue
-- written before this column: their HTML came from the sanitizer that let entity-encoded
-- `javascript&colon;` URLs through. The cron renders such issues again (src/services/rerender.ts).
ALTER TABLE issues ADD COLUMN renderer INTEGER NOT NULL DEFAULT 0;
CREATE INDEX issues_stale_html ON issues (renderer);
