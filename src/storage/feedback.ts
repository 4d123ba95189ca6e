import type { Cursor } from '../domain/cursor';
import type { Feedback, FeedbackSummary } from '../domain/feedback';
import type { Db } from './db';

const COLUMNS = 'id, issue_id, rating, comment, email, created_at, updated_at';

/**
 * Records feedback, or replaces the same client's earlier feedback on the same issue within the
 * same window, with `sameBatch` in the same transaction. Returns the stored row and whether it was new.
 */
export async function upsertFeedback(
  db: Db,
  row: Feedback & { client_hash: string; window_start: string },
  sameBatch: D1PreparedStatement[] = [],
): Promise<{ feedback: Feedback; created: boolean }> {
  const upsert = db
    .prepare(
      `INSERT INTO feedback (${COLUMNS}, client_hash, window_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ` +
        'ON CONFLICT (issue_id, client_hash, window_start) DO UPDATE SET ' +
        'rating = excluded.rating, comment = excluded.comment, email = excluded.email, updated_at = excluded.updated_at ' +
        `RETURNING ${COLUMNS}`,
    )
    .bind(row.id, row.issue_id, row.rating, row.comment, row.email, row.created_at, row.updated_at, row.client_hash, row.window_start);
  const [result] = await db.batch<Feedback>([upsert, ...sameBatch]);
  const stored = result?.results[0];
  if (stored === undefined) throw new Error('feedback upsert returned no row');
  return { feedback: stored, created: stored.id === row.id };
}

/** Feedback, newest first, of one issue or of all. */
export async function listFeedback(db: Db, options: { issueId?: string; after: Cursor | null; limit: number }): Promise<Feedback[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (options.issueId !== undefined) {
    where.push('issue_id = ?');
    params.push(options.issueId);
  }
  if (options.after !== null) {
    where.push('(updated_at, id) < (?, ?)');
    params.push(options.after.at, options.after.id);
  }
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM feedback ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`,
    )
    .bind(...params, options.limit)
    .all<Feedback>();
  return results;
}

interface SummaryRow {
  issue_id: string;
  count: number;
  average: number | null;
  r1: number;
  r2: number;
  r3: number;
  r4: number;
  r5: number;
}

/** Count, average and distribution of ratings per issue (of one issue if given), most rated first. */
export async function summarizeFeedback(db: Db, issueId?: string): Promise<FeedbackSummary[]> {
  const filter = issueId === undefined ? '' : 'WHERE issue_id = ?';
  const { results } = await db
    .prepare(
      'SELECT issue_id, COUNT(*) AS count, ROUND(AVG(rating), 2) AS average, ' +
        'SUM(rating = 1) AS r1, SUM(rating = 2) AS r2, SUM(rating = 3) AS r3, SUM(rating = 4) AS r4, SUM(rating = 5) AS r5 ' +
        `FROM feedback ${filter} GROUP BY issue_id ORDER BY count DESC, issue_id`,
    )
    .bind(...(issueId === undefined ? [] : [issueId]))
    .all<SummaryRow>();
  return results.map((r) => ({
    issue_id: r.issue_id,
    count: r.count,
    average: r.average,
    distribution: { '1': r.r1, '2': r.r2, '3': r.r3, '4': r.r4, '5': r.r5 },
  }));
}
