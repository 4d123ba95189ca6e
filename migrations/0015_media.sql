-- Uploaded media (src/domain/media.ts): the bytes live in R2 under their SHA-256 (content-addressed,
-- so a file uploaded twice is stored once and its URL never changes); this table is the index that
-- lists them. Issues reference media by URL in their Markdown; nothing here is deleted automatically.
CREATE TABLE media (
  sha256       TEXT PRIMARY KEY,
  ext          TEXT NOT NULL,
  content_type TEXT NOT NULL,
  bytes        INTEGER NOT NULL,
  width        INTEGER,
  height       INTEGER,
  created_at   TEXT NOT NULL,
  created_by   TEXT
);
CREATE INDEX media_created ON media (created_at DESC, sha256);
