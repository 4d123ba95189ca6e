-- Masthead's initial schema. Times are RFC 3339 UTC strings (they sort as text);
-- list-valued fields are JSON arrays.

-- An issue. `seq` is the integer rowid the search index keys on; `id` is the public, stable id.
CREATE TABLE issues (
  seq           INTEGER PRIMARY KEY,
  id            TEXT    NOT NULL UNIQUE,
  number        INTEGER NOT NULL UNIQUE,
  slug          TEXT    NOT NULL UNIQUE,
  title         TEXT    NOT NULL,
  subtitle      TEXT,
  summary       TEXT    NOT NULL DEFAULT '[]',
  body          TEXT    NOT NULL,
  html          TEXT    NOT NULL,
  teasers       TEXT    NOT NULL DEFAULT '[]',
  tags          TEXT    NOT NULL DEFAULT '[]',
  authors       TEXT    NOT NULL DEFAULT '[]',
  cover_image   TEXT,
  canonical_url TEXT,
  language      TEXT    NOT NULL DEFAULT 'ko',
  status        TEXT    NOT NULL CHECK (status IN ('draft', 'scheduled', 'published', 'archived')),
  publish_at    TEXT,
  published_at  TEXT,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL,
  version       INTEGER NOT NULL CHECK (version >= 1)
);

-- Reader lists: newest published first, keyset-paginated on (published_at, id).
CREATE INDEX issues_published ON issues (published_at DESC, id DESC) WHERE status = 'published';
-- Editor lists, optionally by status, most recently changed first.
CREATE INDEX issues_by_status ON issues (status, updated_at DESC, id DESC);
CREATE INDEX issues_by_update ON issues (updated_at DESC, id DESC);
-- The cron trigger's look-up of scheduled issues that are due.
CREATE INDEX issues_due ON issues (publish_at) WHERE status = 'scheduled';

-- One row per (tag, issue). `published_at` is copied from the issue while it is published and
-- NULL otherwise, so a tag's archive is one index range, as cheap at 100,000 issues as at 100.
CREATE TABLE issue_tags (
  tag          TEXT NOT NULL,
  issue_id     TEXT NOT NULL REFERENCES issues (id),
  published_at TEXT,
  PRIMARY KEY (tag, issue_id)
) WITHOUT ROWID;
CREATE INDEX issue_tags_published ON issue_tags (tag, published_at DESC, issue_id DESC)
  WHERE published_at IS NOT NULL;
CREATE INDEX issue_tags_by_issue ON issue_tags (issue_id);

-- Every saved version of every issue. Revision n is the issue at version n; the primary key makes
-- a second writer of the same version fail, which is the optimistic lock behind If-Match.
CREATE TABLE revisions (
  issue_id   TEXT    NOT NULL REFERENCES issues (id),
  n          INTEGER NOT NULL,
  action     TEXT    NOT NULL,
  author     TEXT,
  snapshot   TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  PRIMARY KEY (issue_id, n)
) WITHOUT ROWID;

-- Full-text search over title, summary and body. Trigrams match Korean without a dictionary;
-- terms shorter than three characters fall back to LIKE (see src/storage/search.ts).
CREATE VIRTUAL TABLE issue_search USING fts5 (title, summary, body, tokenize = 'trigram');

-- Editor tokens, stored only as SHA-256 hashes of the secret.
CREATE TABLE tokens (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('contributor', 'editor', 'admin')),
  hash         TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  revoked_at   TEXT
) WITHOUT ROWID;

-- Idempotency-Key records for creates, written in the same batch as the issue they created.
CREATE TABLE idempotency_keys (
  token_id    TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  issue_id    TEXT NOT NULL REFERENCES issues (id),
  created_at  TEXT NOT NULL,
  PRIMARY KEY (token_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
