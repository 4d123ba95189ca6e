-- An issue's cover gains its alternative text (`cover_image` stays the cover's URL), and an issue
-- gains attachments: a JSON array of {url, title, content_type, bytes}, carried by the feeds as
-- enclosures. Revisions keep both in their snapshots; older snapshots have `cover_image` alone.
ALTER TABLE issues ADD COLUMN cover_alt TEXT;
ALTER TABLE issues ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
