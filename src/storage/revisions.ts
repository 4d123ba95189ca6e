import { contentOf, type Issue } from '../domain/issue';
import type { Revision } from '../domain/revision';
import type { Action } from '../domain/status';
import type { Db } from './db';

interface RevisionRow {
  n: number;
  action: Action;
  author: string | null;
  snapshot: string;
  created_at: string;
}

function toRevision(row: RevisionRow): Revision {
  return { ...row, snapshot: JSON.parse(row.snapshot) as Revision['snapshot'] };
}

/** The statement that records `issue` (at its version) as a revision; part of every write batch. */
export function revisionInsert(db: Db, issue: Issue, action: Action, author: string | null): D1PreparedStatement {
  const snapshot = {
    ...contentOf(issue),
    status: issue.status,
    publish_at: issue.publish_at,
    published_at: issue.published_at,
  };
  return db
    .prepare('INSERT INTO revisions (issue_id, n, action, author, snapshot, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(issue.id, issue.version, action, author, JSON.stringify(snapshot), issue.updated_at);
}

/** Every revision of an issue, newest first. */
export async function listRevisions(db: Db, issueId: string): Promise<Revision[]> {
  const { results } = await db
    .prepare('SELECT n, action, author, snapshot, created_at FROM revisions WHERE issue_id = ? ORDER BY n DESC')
    .bind(issueId)
    .all<RevisionRow>();
  return results.map(toRevision);
}

export async function findRevision(db: Db, issueId: string, n: number): Promise<Revision | null> {
  const row = await db
    .prepare('SELECT n, action, author, snapshot, created_at FROM revisions WHERE issue_id = ? AND n = ?')
    .bind(issueId, n)
    .first<RevisionRow>();
  return row === null ? null : toRevision(row);
}

/** Who created an issue: the author of its first revision (null for an issue made by the system). */
export async function creatorOf(db: Db, issueId: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT author FROM revisions WHERE issue_id = ? AND n = 1')
    .bind(issueId)
    .first<{ author: string | null }>();
  return row?.author ?? null;
}
