import type { Partner } from '../domain/partner';
import { bumpGeneration, type ContentVersion, contentVersionRead } from './content-version';
import type { Db } from './db';

interface PartnerRow extends Omit<Partner, 'origins'> {
  origins: string;
}

const COLUMNS = 'id, key, name, origins, notes, created_at, updated_at, removed_at';

const fromRow = (row: PartnerRow): Partner => ({ ...row, origins: JSON.parse(row.origins) as string[] });

/** Every partner, removed ones last (by name within each), or only the current ones. */
export async function listPartners(db: Db, options: { includeRemoved: boolean }): Promise<Partner[]> {
  const where = options.includeRemoved ? '' : 'WHERE removed_at IS NULL';
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM partners ${where} ORDER BY removed_at IS NOT NULL, name, id`)
    .all<PartnerRow>();
  return results.map(fromRow);
}

export async function findPartner(db: Db, id: string): Promise<Partner | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM partners WHERE id = ?`).bind(id).first<PartnerRow>();
  return row === null ? null : fromRow(row);
}

/** The current partners' keys and origins: what embeds are framed by and counted for. */
export async function activePartners(db: Db): Promise<Pick<Partner, 'key' | 'origins'>[]> {
  const { results } = await db
    .prepare('SELECT key, origins FROM partners WHERE removed_at IS NULL')
    .all<{ key: string; origins: string }>();
  return results.map((row) => ({ key: row.key, origins: JSON.parse(row.origins) as string[] }));
}

/**
 * Writes a partner (a new one, a change, or its removal) and moves the content generation on in
 * the same batch: embeds render their frame-ancestors from this table and are cached per version.
 * Returns the version the batch moved to.
 */
export async function savePartner(db: Db, partner: Partner): Promise<ContentVersion> {
  const results = await db.batch<ContentVersion>([
    db
      .prepare(
        `INSERT INTO partners (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, origins = excluded.origins, notes = excluded.notes,
           updated_at = excluded.updated_at, removed_at = excluded.removed_at`,
      )
      .bind(
        partner.id,
        partner.key,
        partner.name,
        JSON.stringify(partner.origins),
        partner.notes,
        partner.created_at,
        partner.updated_at,
        partner.removed_at,
      ),
    bumpGeneration(db),
    contentVersionRead(db),
  ]);
  const version = results.at(-1)?.results[0];
  if (version === undefined) throw new Error('the content version could not be read back');
  return version;
}
