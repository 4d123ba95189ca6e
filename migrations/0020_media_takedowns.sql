-- A takedown (POST /api/v1/admin/media/{sha256}/takedown): the file's bytes are deleted from R2 and
-- its row kept, recording who took it down, when and why; readers get 410 for it, every issue that
-- names it shows it as removed, and the same bytes cannot be uploaded again.
ALTER TABLE media ADD COLUMN taken_down_at TEXT;
ALTER TABLE media ADD COLUMN taken_down_by TEXT;
ALTER TABLE media ADD COLUMN taken_down_reason TEXT;
CREATE INDEX media_taken_down ON media (sha256) WHERE taken_down_at IS NOT NULL;
