import type { Db } from './db';

/** A tag's display form: the one its most recently published issue wrote (the key, for older rows). */
const NEWEST_NAME =
  '(SELECT COALESCE(n.name, n.tag) FROM issue_tags n WHERE n.tag = t.tag AND n.published_at IS NOT NULL ORDER BY n.published_at DESC, n.issue_id DESC LIMIT 1)';

const RECOUNT_SITE_SQL =
  "UPDATE site_state SET value = (SELECT COUNT(*) FROM issues WHERE status = 'published') WHERE key = 'published_count'";

/** Every published count recounted, as literal SQL (a restore runs it through `wrangler d1 execute`). */
export const RECOUNT_ALL_SQL: readonly string[] = [
  RECOUNT_SITE_SQL,
  'DELETE FROM tag_counts',
  `INSERT INTO tag_counts (tag, name, published) SELECT tag, ${NEWEST_NAME}, COUNT(*) FROM issue_tags t WHERE published_at IS NOT NULL GROUP BY tag`,
];

/**
 * The statements that bring the published counts up to date: the site's, and those of `tags`
 * (every tag, when not given). They join the batch of the write that changed them.
 */
export function recountStatements(db: Db, tags?: readonly string[]): D1PreparedStatement[] {
  if (tags === undefined) return RECOUNT_ALL_SQL.map((sql) => db.prepare(sql));
  const site = db.prepare(RECOUNT_SITE_SQL);
  if (tags.length === 0) return [site];
  const marks = tags.map(() => '?').join(', ');
  return [
    site,
    db.prepare(`DELETE FROM tag_counts WHERE tag IN (${marks})`).bind(...tags),
    db
      .prepare(
        `INSERT INTO tag_counts (tag, name, published) SELECT tag, ${NEWEST_NAME}, COUNT(*) FROM issue_tags t WHERE tag IN (${marks}) AND published_at IS NOT NULL GROUP BY tag`,
      )
      .bind(...tags),
  ];
}

/** A tag's display form (as its most recently published issue writes it), or null for a tag no published issue has. */
export async function tagName(db: Db, key: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT COALESCE(name, tag) AS name FROM tag_counts WHERE tag = ? AND published > 0')
    .bind(key)
    .first<{ name: string }>();
  return row?.name ?? null;
}

/** How many issues are published, of one tag if given. */
export async function publishedCount(db: Db, tag?: string): Promise<number> {
  const row =
    tag === undefined
      ? await db.prepare("SELECT value AS n FROM site_state WHERE key = 'published_count'").first<{ n: number }>()
      : await db.prepare('SELECT published AS n FROM tag_counts WHERE tag = ?').bind(tag).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Tags with published issues and their counts, most used first. */
export async function tagCounts(db: Db): Promise<{ key: string; name: string; count: number }[]> {
  const { results } = await db
    .prepare(
      'SELECT tag AS key, COALESCE(name, tag) AS name, published AS count FROM tag_counts WHERE published > 0 ORDER BY published DESC, tag ASC',
    )
    .all<{ key: string; name: string; count: number }>();
  return results;
}
