-- Partner sites (src/domain/partner.ts): who may frame the embeds, and the public key their
-- widgets carry so that views and click-throughs are counted per partner. A removed partner keeps
-- its row (removed_at), so its usage stays readable; it frames nothing and is counted no more.
-- Every change to this table moves the content generation on in the same batch, because the
-- embeds' Content-Security-Policy (frame-ancestors) is rendered from it and cached per version.
CREATE TABLE partners (
  id         TEXT PRIMARY KEY,
  key        TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  origins    TEXT NOT NULL DEFAULT '[]',
  notes      TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  removed_at TEXT
);
