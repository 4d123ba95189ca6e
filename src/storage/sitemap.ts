import type { Db } from './db';

/**
 * Published issues' slugs and change times for the sitemap, in publish order (oldest first, so a
 * child sitemap's issues stay the same as more are published), a page at a time.
 */
export async function sitemapIssues(
  db: Db,
  offset: number,
  limit: number,
): Promise<{ slug: string; updated_at: string; canonical_url: string | null }[]> {
  if (limit <= 0) return [];
  const { results } = await db
    .prepare("SELECT slug, updated_at, canonical_url FROM issues WHERE status = 'published' ORDER BY published_at, id LIMIT ? OFFSET ?")
    .bind(limit, offset)
    .all<{ slug: string; updated_at: string; canonical_url: string | null }>();
  return results;
}

/** When the newest change among a page of sitemapIssues was (null for an empty page). */
export async function sitemapIssuesLastModified(db: Db, offset: number, limit: number): Promise<string | null> {
  if (limit <= 0) return null;
  const row = await db
    .prepare(
      "SELECT MAX(updated_at) AS lastmod FROM (SELECT updated_at FROM issues WHERE status = 'published' ORDER BY published_at, id LIMIT ? OFFSET ?)",
    )
    .bind(limit, offset)
    .first<{ lastmod: string | null }>();
  return row?.lastmod ?? null;
}

/** Every tag with published issues, with the newest change among them. */
export async function tagsLastModified(db: Db): Promise<{ name: string; lastmod: string }[]> {
  const { results } = await db
    .prepare(
      'SELECT t.tag AS name, MAX(i.updated_at) AS lastmod FROM issue_tags t JOIN issues i ON i.id = t.issue_id ' +
        'WHERE t.published_at IS NOT NULL GROUP BY t.tag ORDER BY t.tag',
    )
    .all<{ name: string; lastmod: string }>();
  return results;
}
