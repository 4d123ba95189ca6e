import type { MediaRecord } from '../domain/media';
import type { Db } from './db';

const INSERTED = 'sha256, ext, content_type, bytes, width, height, created_at, created_by';
const COLUMNS = `${INSERTED}, taken_down_at, taken_down_by, taken_down_reason`;

/** The R2 key of a file: its name on the site. */
export const mediaKey = (record: Pick<MediaRecord, 'sha256' | 'ext'>) => `${record.sha256}.${record.ext}`;

export async function findMedia(db: Db, sha256: string): Promise<MediaRecord | null> {
  return db.prepare(`SELECT ${COLUMNS} FROM media WHERE sha256 = ?`).bind(sha256).first<MediaRecord>();
}

/** Records an upload; a second upload of the same bytes keeps the first record. True when it is new. */
export async function insertMedia(db: Db, record: MediaRecord): Promise<boolean> {
  const result = await db
    .prepare(`INSERT INTO media (${INSERTED}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`)
    .bind(record.sha256, record.ext, record.content_type, record.bytes, record.width, record.height, record.created_at, record.created_by)
    .run();
  return result.meta.changes === 1;
}

/**
 * Newest first, after a (created_at, sha256) keyset position. With `visibleTo` (a contributor's
 * name), only the files it uploaded and those that an issue it created mentions, in its content
 * or any revision: the issues a contributor may read.
 */
export async function listMedia(
  db: Db,
  options: { after: { at: string; id: string } | null; limit: number; visibleTo?: string },
): Promise<MediaRecord[]> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (options.after !== null) {
    conditions.push('(created_at, sha256) < (?, ?)');
    values.push(options.after.at, options.after.id);
  }
  if (options.visibleTo !== undefined) {
    // instr(), not LIKE: D1 caps LIKE patterns at 50 bytes, and a media path is longer.
    conditions.push(`(created_by = ? OR EXISTS (
      SELECT 1 FROM issues i
      WHERE i.id IN (SELECT issue_id FROM revisions WHERE n = 1 AND author = ?)
        AND (instr(i.body, '/media/' || media.sha256 || '.' || media.ext) > 0
          OR instr(coalesce(i.cover_image, ''), '/media/' || media.sha256 || '.' || media.ext) > 0
          OR instr(i.attachments, '/media/' || media.sha256 || '.' || media.ext) > 0
          OR i.id IN (SELECT issue_id FROM revisions WHERE instr(snapshot, '/media/' || media.sha256 || '.' || media.ext) > 0))))`);
    values.push(options.visibleTo, options.visibleTo);
  }
  const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM media ${where} ORDER BY created_at DESC, sha256 DESC LIMIT ?`)
    .bind(...values, options.limit)
    .all<MediaRecord>();
  return results;
}

/**
 * The issues whose current content or any saved revision mentions the file's path: what keeps it
 * from being deleted. A scan of the issues and their revisions, for the admin's list and delete.
 */
export async function issuesReferencing(db: Db, path: string, createdBy?: string): Promise<{ id: string; slug: string; title: string }[]> {
  // instr(), not LIKE: D1 caps LIKE patterns at 50 bytes, and a media path is longer.
  const { results } = await db
    .prepare(
      `SELECT id, slug, title FROM issues
       WHERE (instr(body, ?1) > 0 OR instr(coalesce(cover_image, ''), ?1) > 0 OR instr(attachments, ?1) > 0
          OR id IN (SELECT issue_id FROM revisions WHERE instr(snapshot, ?1) > 0))
       ${createdBy === undefined ? '' : 'AND id IN (SELECT issue_id FROM revisions WHERE n = 1 AND author = ?2)'}
       ORDER BY updated_at DESC`,
    )
    .bind(...(createdBy === undefined ? [path] : [path, createdBy]))
    .all<{ id: string; slug: string; title: string }>();
  return results;
}

export async function deleteMediaRecord(db: Db, sha256: string): Promise<void> {
  await db.prepare('DELETE FROM media WHERE sha256 = ?').bind(sha256).run();
}

/** The width and height of the stored images among `hashes` (at most 100 are looked up). */
export async function imageSizes(db: Db, hashes: readonly string[]): Promise<Pick<MediaRecord, 'sha256' | 'ext' | 'width' | 'height'>[]> {
  const wanted = [...new Set(hashes)].slice(0, 100);
  if (wanted.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT sha256, ext, width, height FROM media WHERE width IS NOT NULL AND sha256 IN (${wanted.map(() => '?').join(', ')})`)
    .bind(...wanted)
    .all<Pick<MediaRecord, 'sha256' | 'ext' | 'width' | 'height'>>();
  return results;
}

/** The statement that records a takedown (once: a second one changes nothing). */
export function takedownStatement(db: Db, sha256: string, at: string, by: string | null, reason: string): D1PreparedStatement {
  return db
    .prepare('UPDATE media SET taken_down_at = ?, taken_down_by = ?, taken_down_reason = ? WHERE sha256 = ? AND taken_down_at IS NULL')
    .bind(at, by, reason, sha256);
}

/** The names (`<sha256>.<ext>`) of every file taken down: few, read from a partial index. */
export async function takenDownNames(db: Db): Promise<Set<string>> {
  const { results } = await db
    .prepare('SELECT sha256, ext FROM media WHERE taken_down_at IS NOT NULL')
    .all<{ sha256: string; ext: string }>();
  return new Set(results.map((row) => `${row.sha256}.${row.ext}`));
}
