import { contentOf, type Issue } from '../domain/issue';
import { type Revision, withFileUrls } from '../domain/revision';
import type { Action } from '../domain/status';
import type { Db } from './db';
import { servedMediaUrl, storedMediaUrl } from './issue-rows';

type Snapshot = Revision['snapshot'] & { cover_image?: string | null };

interface RevisionRow {
  n: number;
  action: Action;
  author: string | null;
  snapshot: string;
  created_at: string;
}

function toRevision(row: RevisionRow, base: string): Revision {
  return { ...row, snapshot: withFileUrls(JSON.parse(row.snapshot) as Snapshot, (url) => servedMediaUrl(base, url)) };
}

/** The statement that records `issue` (at its version) as a revision; part of every write batch. */
export function revisionInsert(db: Db, issue: Issue, action: Action, author: string | null, base: string): D1PreparedStatement {
  const snapshot = withFileUrls(
    { ...contentOf(issue), status: issue.status, publish_at: issue.publish_at, published_at: issue.published_at } as Snapshot,
    (url) => storedMediaUrl(base, url),
  );
  return db
    .prepare('INSERT INTO revisions (issue_id, n, action, author, snapshot, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(issue.id, issue.version, action, author, JSON.stringify(snapshot), issue.updated_at);
}

/** Every revision of an issue, newest first. */
export async function listRevisions(db: Db, issueId: string, base: string): Promise<Revision[]> {
  const { results } = await db
    .prepare('SELECT n, action, author, snapshot, created_at FROM revisions WHERE issue_id = ? ORDER BY n DESC')
    .bind(issueId)
    .all<RevisionRow>();
  return results.map((row) => toRevision(row, base));
}

export async function findRevision(db: Db, issueId: string, n: number, base: string): Promise<Revision | null> {
  const row = await db
    .prepare('SELECT n, action, author, snapshot, created_at FROM revisions WHERE issue_id = ? AND n = ?')
    .bind(issueId, n)
    .first<RevisionRow>();
  return row === null ? null : toRevision(row, base);
}

/** Who created an issue: the author of its first revision (null for an issue made by the system). */
export async function creatorOf(db: Db, issueId: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT author FROM revisions WHERE issue_id = ? AND n = 1')
    .bind(issueId)
    .first<{ author: string | null }>();
  return row?.author ?? null;
}
