import type { Cursor } from '../domain/cursor';
import type { Issue, IssueListItem } from '../domain/issue';
import { normalizeTag } from '../domain/slug';
import type { Action, Status } from '../domain/status';
import { batchOrConflict } from './conflict';
import { BUMP_GENERATION_SQL, bumpGeneration, type ContentVersion, contentVersionRead } from './content-version';
import type { Db } from './db';
import { ALL_COLUMNS, ISSUE_COLUMNS, type IssueRow, LIST_COLUMNS, toIssue, toListItem, toRowValues } from './issue-rows';
import { recountStatements } from './published-counts';
import { revisionInsert } from './revisions';
import { moveToNewestSeq, searchRowWrite } from './search';

// `base`, where a function takes it, is the site's URL: our own uploads are stored by their path
// under it and read back under it (storage/issue-rows, storedMediaUrl).

/** One issue by its stable id, in any status. */
export async function findIssueById(db: Db, id: string, base: string): Promise<Issue | null> {
  const row = await db.prepare(`SELECT ${ALL_COLUMNS} FROM issues WHERE id = ?`).bind(id).first<IssueRow>();
  return row === null ? null : toIssue(row, base);
}

/** One published issue by its slug. */
export async function findPublishedBySlug(db: Db, slug: string, base: string): Promise<Issue | null> {
  const row = await db.prepare(`SELECT ${ALL_COLUMNS} FROM issues WHERE slug = ? AND status = 'published'`).bind(slug).first<IssueRow>();
  return row === null ? null : toIssue(row, base);
}

/** Whether a published issue has this slug (one index lookup, no content read). */
export async function isPublishedSlug(db: Db, slug: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS found FROM issues WHERE slug = ? AND status = 'published'").bind(slug).first()) !== null;
}

/** The slugs already taken among `base` and `base-N`. */
export async function slugsLike(db: Db, base: string): Promise<Set<string>> {
  const { results } = await db
    .prepare(`SELECT slug FROM issues WHERE slug = ?1 OR (slug > ?1 || '-' AND slug < ?1 || '-:')`)
    .bind(base)
    .all<{ slug: string }>();
  return new Set(results.map((r) => r.slug));
}

export async function nextIssueNumber(db: Db): Promise<number> {
  const row = await db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS next FROM issues').first<{ next: number }>();
  return row?.next ?? 1;
}

/** Editor list, most recently changed first, optionally of one status or one creator. */
export async function listIssues(
  db: Db,
  options: { status?: Status; slug?: string; createdBy?: string; after: Cursor | null; limit: number },
  base: string,
): Promise<IssueListItem[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.slug !== undefined) {
    where.push('slug = ?');
    params.push(options.slug);
  }
  if (options.status !== undefined) {
    where.push('status = ?');
    params.push(options.status);
  }
  if (options.createdBy !== undefined) {
    where.push('id IN (SELECT issue_id FROM revisions WHERE n = 1 AND author = ?)');
    params.push(options.createdBy);
  }
  if (options.after !== null) {
    where.push('(updated_at, id) < (?, ?)');
    params.push(options.after.at, options.after.id);
  }
  const sql =
    `SELECT ${LIST_COLUMNS} FROM issues ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ` +
    'ORDER BY updated_at DESC, id DESC LIMIT ?';
  const { results } = await db
    .prepare(sql)
    .bind(...params, options.limit)
    .all<IssueRow>();
  return results.map((row) => toListItem(row, base));
}

/** Published issues, newest first, optionally of one tag. */
export async function listPublished(
  db: Db,
  options: { tag?: string; after: Cursor | null; limit: number },
  base: string,
): Promise<IssueListItem[]> {
  const after = options.after;
  const keyset = after === null ? '' : 'AND (published_at, id) < (?, ?)';
  const keysetParams = after === null ? [] : [after.at, after.id];
  const statement =
    options.tag === undefined
      ? db
          .prepare(`SELECT ${LIST_COLUMNS} FROM issues WHERE status = 'published' ${keyset} ORDER BY published_at DESC, id DESC LIMIT ?`)
          .bind(...keysetParams, options.limit)
      : db
          .prepare(
            `SELECT ${LIST_COLUMNS} FROM issues WHERE id IN (` +
              `SELECT issue_id FROM issue_tags WHERE tag = ? AND published_at IS NOT NULL ` +
              `${keyset.replace('published_at, id', 'published_at, issue_id')} ` +
              'ORDER BY published_at DESC, issue_id DESC LIMIT ?) ' +
              'ORDER BY published_at DESC, id DESC',
          )
          .bind(options.tag, ...keysetParams, options.limit);
  const { results } = await statement.all<IssueRow>();
  return results.map((row) => toListItem(row, base));
}

/** Ids of scheduled issues whose publish time is at or before `now`. */
export async function dueScheduled(db: Db, now: string, limit = 50): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM issues WHERE status = 'scheduled' AND publish_at <= ? ORDER BY publish_at LIMIT ?")
    .bind(now, limit)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** site_state's count of published issues whose HTML a re-render changed, within its own transaction. */
const RERENDER_CHANGES = 'rerender_changes';

/** The columns a write sets: all but the id and the creation time, which never change. */
const WRITABLE_COLUMNS = ISSUE_COLUMNS.filter((column) => column !== 'id' && column !== 'created_at');
const WRITABLE = WRITABLE_COLUMNS.join(', ');

function issueValues(issue: Issue, base: string): unknown[] {
  const values = toRowValues(issue, base);
  return WRITABLE_COLUMNS.map((column) => values[column]);
}

export interface WriteOptions {
  /** The site's URL: our own uploads are stored by their path under it. */
  base: string;
  action: Action;
  author: string | null;
  /** The version the writer read; null for a create. */
  expectedVersion: number | null;
  /** Statements to commit in the same transaction (an idempotency record, say). */
  sameBatch?: D1PreparedStatement[];
  /** Whether readers can see the change: then the generation and the published counts move with it. */
  visibleToReaders?: boolean;
  /** The tags whose counts may change: the issue's tags before and after. */
  affectedTags?: readonly string[];
  /** The renderer version that wrote `issue.html`, when it was rendered for this write. */
  renderer?: number;
}

/**
 * Saves `issue` (at its new `version`) with its revision, tags and search row in one batch, which
 * D1 runs as one transaction. The revision's primary key (issue, version) is the optimistic lock:
 * a stale writer's UPDATE matches no row, and its revision, numbered after a version that already
 * has one, breaks the key, so the whole batch rolls back and the writer gets a conflict.
 * Returns the new content version when the change is visible to readers.
 */
export async function writeIssue(db: Db, issue: Issue, options: WriteOptions): Promise<ContentVersion | null> {
  const write =
    options.expectedVersion === null
      ? db
          .prepare(`INSERT INTO issues (id, created_at, ${WRITABLE}) VALUES (?, ?, ${WRITABLE.replace(/\w+/g, '?')})`)
          .bind(issue.id, issue.created_at, ...issueValues(issue, options.base))
      : db
          .prepare(`UPDATE issues SET (${WRITABLE}) = (${WRITABLE.replace(/\w+/g, '?')}) WHERE id = ? AND version = ?`)
          .bind(...issueValues(issue, options.base), issue.id, options.expectedVersion);
  const taggedAt = issue.status === 'published' ? issue.published_at : null;
  const search = searchRowWrite(db, issue);
  const statements = [
    ...search.before,
    write,
    ...(options.action === 'publish' ? [moveToNewestSeq(db, issue.id)] : []),
    revisionInsert(db, issue, options.action, options.author, options.base),
    db.prepare('DELETE FROM issue_tags WHERE issue_id = ?').bind(issue.id),
    ...issue.tags.map((tag) =>
      db
        .prepare('INSERT INTO issue_tags (tag, name, issue_id, published_at) VALUES (?, ?, ?, ?)')
        .bind(normalizeTag(tag), tag, issue.id, taggedAt),
    ),
    ...search.after,
    ...(options.renderer === undefined ? [] : [db.prepare('UPDATE issues SET renderer = ? WHERE id = ?').bind(options.renderer, issue.id)]),
    ...(options.sameBatch ?? []),
    ...(options.visibleToReaders
      ? [...recountStatements(db, (options.affectedTags ?? issue.tags).map(normalizeTag)), bumpGeneration(db), contentVersionRead(db)]
      : []),
  ];
  const results = await batchOrConflict(db, statements);
  if (!options.visibleToReaders) return null;
  return (results.at(-1)?.results[0] as ContentVersion | undefined) ?? null;
}

/** The time of the latest change to any issue: a Last-Modified for lists that an unpublish also moves. */
export async function lastChange(db: Db): Promise<string | null> {
  const row = await db.prepare('SELECT MAX(updated_at) AS at FROM issues').first<{ at: string | null }>();
  return row?.at ?? null;
}

/**
 * A window of the stored HTML of published issues, by id (at most 100 ids): characters `from` to
 * `from + length - 1` (counted from 1, in characters, as SQLite's substr counts TEXT), with the
 * issue's version, so that a reader of several windows sees one version of each issue. Only the
 * window crosses from D1: a search page needs the start of each issue, not the whole of it.
 */
export async function publishedHtmlWindow(
  db: Db,
  ids: readonly string[],
  from: number,
  length: number,
): Promise<Map<string, { html: string; version: number }>> {
  const wanted = [...new Set(ids)].slice(0, 100);
  if (wanted.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT id, version, substr(html, ?, ?) AS html FROM issues WHERE status = 'published' AND id IN (${wanted.map(() => '?').join(', ')})`,
    )
    .bind(from, length, ...wanted)
    .all<{ id: string; version: number; html: string }>();
  return new Map(results.map((row) => [row.id, { html: row.html, version: row.version }]));
}

/** Whether any issue, in any status, has this slug. */
export async function slugExists(db: Db, slug: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 FROM issues WHERE slug = ?').bind(slug).first()) !== null;
}

/** Issues whose HTML an older renderer wrote (see migrations/0010_renderer_version.sql). */
export async function staleRendered(db: Db, renderer: number, limit: number, base: string): Promise<Issue[]> {
  const { results } = await db
    .prepare(`SELECT ${ALL_COLUMNS} FROM issues WHERE renderer < ? LIMIT ?`)
    .bind(renderer, limit)
    .all<IssueRow>();
  return results.map((row) => toIssue(row, base));
}

/**
 * Stores what the current renderer made of issues an older one wrote, in one transaction: an
 * issue's HTML is written only where it differs (and only if the issue is still at the version
 * that was rendered), every one is marked as rendered by `renderer`, and the content version
 * moves once, and only if some published issue's HTML changed (so a re-render that changes
 * nothing empties no cache and writes no KV). Returns the new version, or null when it did not move.
 */
export async function storeRerendered(
  db: Db,
  rendered: readonly { issue: Issue; html: string }[],
  renderer: number,
): Promise<ContentVersion | null> {
  if (rendered.length === 0) return null;
  const statements = [
    db.prepare(`INSERT INTO site_state (key, value) VALUES ('${RERENDER_CHANGES}', 0) ON CONFLICT (key) DO UPDATE SET value = 0`),
  ];
  for (const { issue, html } of rendered) {
    statements.push(
      db
        .prepare('UPDATE issues SET html = ?, renderer = ? WHERE id = ? AND version = ? AND renderer < ? AND html IS NOT ?')
        .bind(html, renderer, issue.id, issue.version, renderer, html),
    );
    // changes() is the count of the UPDATE just before: 1 only when this HTML differed.
    if (issue.status === 'published') {
      statements.push(db.prepare(`UPDATE site_state SET value = value + 1 WHERE key = '${RERENDER_CHANGES}' AND changes() = 1`));
    }
    statements.push(
      db
        .prepare('UPDATE issues SET renderer = ? WHERE id = ? AND version = ? AND renderer < ?')
        .bind(renderer, issue.id, issue.version, renderer),
    );
  }
  const bump =
    statements.push(db.prepare(`${BUMP_GENERATION_SQL} AND (SELECT value FROM site_state WHERE key = '${RERENDER_CHANGES}') > 0`)) - 1;
  statements.push(contentVersionRead(db));
  const results = await db.batch(statements);
  if ((results[bump]?.meta.changes ?? 0) === 0) return null;
  return (results.at(-1)?.results[0] as ContentVersion | undefined) ?? null;
}
