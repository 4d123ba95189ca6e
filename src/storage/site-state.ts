import type { Db } from './db';

/** The current content generation (see migrations/0003_site_state.sql). */
export async function readGeneration(db: Db): Promise<number> {
  const row = await db.prepare("SELECT value FROM site_state WHERE key = 'generation'").first<{ value: number }>();
  return row?.value ?? 1;
}

/** The statement that moves the generation on; it joins the batch of the change it announces. */
export function bumpGeneration(db: Db): D1PreparedStatement {
  return db.prepare("UPDATE site_state SET value = value + 1 WHERE key = 'generation' RETURNING value");
}

const GENERATION_KEY = 'generation';
const OUTPUT_PREFIX = 'out';

/** The generation as KV last heard it, or null when KV has none yet. */
export async function cachedGeneration(kv: KVNamespace): Promise<number | null> {
  const value = await kv.get(GENERATION_KEY);
  return value === null ? null : Number(value);
}

export async function storeGeneration(kv: KVNamespace, generation: number): Promise<void> {
  await kv.put(GENERATION_KEY, String(generation));
}

/** A rendered output as KV keeps it. */
export interface StoredOutput {
  body: string;
  contentType: string;
  etag: string;
  lastModified: string | null;
  cacheControl: string;
  headers: Record<string, string>;
}

const outputKey = (generation: number, key: string) => `${OUTPUT_PREFIX}:${generation}:${key}`;
const lastKey = (key: string) => `${OUTPUT_PREFIX}:last:${key}`;

/** The output rendered for `key` at `generation`, if any. */
export async function readOutput(kv: KVNamespace, generation: number, key: string): Promise<StoredOutput | null> {
  return kv.get<StoredOutput>(outputKey(generation, key), 'json');
}

/** The newest output ever rendered for `key`, whatever its generation: for stale-if-error. */
export async function readLastOutput(kv: KVNamespace, key: string): Promise<StoredOutput | null> {
  return kv.get<StoredOutput>(lastKey(key), 'json');
}

/** Keeps an output under its generation (a week) and as the last known one (a month). */
export async function storeOutput(kv: KVNamespace, generation: number, key: string, output: StoredOutput): Promise<void> {
  const value = JSON.stringify(output);
  await Promise.all([
    kv.put(outputKey(generation, key), value, { expirationTtl: 7 * 86_400 }),
    kv.put(lastKey(key), value, { expirationTtl: 30 * 86_400 }),
  ]);
}

/**
 * The statements that bring the published counts up to date: the site's, and those of `tags`
 * (every tag, when not given). They join the batch of the write that changed them.
 */
export function recountStatements(db: Db, tags?: readonly string[]): D1PreparedStatement[] {
  const site = db.prepare(
    "UPDATE site_state SET value = (SELECT COUNT(*) FROM issues WHERE status = 'published') WHERE key = 'published_count'",
  );
  if (tags === undefined) {
    return [
      site,
      db.prepare('DELETE FROM tag_counts'),
      db.prepare('INSERT INTO tag_counts (tag, published) SELECT tag, COUNT(*) FROM issue_tags WHERE published_at IS NOT NULL GROUP BY tag'),
    ];
  }
  if (tags.length === 0) return [site];
  const marks = tags.map(() => '?').join(', ');
  return [
    site,
    db.prepare(`DELETE FROM tag_counts WHERE tag IN (${marks})`).bind(...tags),
    db
      .prepare(`INSERT INTO tag_counts (tag, published) SELECT tag, COUNT(*) FROM issue_tags WHERE tag IN (${marks}) AND published_at IS NOT NULL GROUP BY tag`)
      .bind(...tags),
  ];
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
export async function tagCounts(db: Db): Promise<{ name: string; count: number }[]> {
  const { results } = await db
    .prepare('SELECT tag AS name, published AS count FROM tag_counts WHERE published > 0 ORDER BY published DESC, tag ASC')
    .all<{ name: string; count: number }>();
  return results;
}
