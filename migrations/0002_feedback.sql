-- Reader feedback on published issues. No IP address is stored: `client_hash` is a hash of the
-- client's address with a salt that changes every day, so it links submissions within a day only.
CREATE TABLE feedback (
  id           TEXT    PRIMARY KEY,
  issue_id     TEXT    NOT NULL REFERENCES issues (id),
  rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment      TEXT,
  email        TEXT,
  client_hash  TEXT    NOT NULL,
  -- The start of the 10-minute window the submission fell in: one client's repeats within a
  -- window collapse into one row (the latest wins).
  window_start TEXT    NOT NULL,
  created_at   TEXT    NOT NULL,
  updated_at   TEXT    NOT NULL,
  UNIQUE (issue_id, client_hash, window_start)
) WITHOUT ROWID;
CREATE INDEX feedback_by_issue ON feedback (issue_id, updated_at DESC, id DESC);
CREATE INDEX feedback_latest ON feedback (updated_at DESC, id DESC);
