import type { Issue } from '../domain/issue';
import { LIST_COLUMNS, toListItem, type IssueListItem, type IssueRow } from './issue-rows';
import type { Db } from './db';

/**
 * The statements that replace an issue's row in the FTS5 index, for every write batch: the old row
 * goes first (before the write may give the issue a new `seq`), the new row after it.
 */
export function searchRowWrite(db: Db, issue: Issue): { before: D1PreparedStatement; after: D1PreparedStatement } {
  return {
    before: db.prepare('DELETE FROM issue_search WHERE rowid = (SELECT seq FROM issues WHERE id = ?)').bind(issue.id),
    after: db
      .prepare('INSERT INTO issue_search (rowid, title, summary, body) SELECT seq, ?, ?, ? FROM issues WHERE id = ?')
      .bind(issue.title, issue.summary.join('\n'), issue.body, issue.id),
  };
}

/**
 * The statement that moves a published issue to the end of the index: `seq` (the index's rowid)
 * is taken anew at each publish, so the index's own order is the order of publication.
 */
export function moveToNewestSeq(db: Db, issueId: string): D1PreparedStatement {
  return db.prepare('UPDATE issues SET seq = (SELECT MAX(seq) + 1 FROM issues) WHERE id = ?').bind(issueId);
}

/** The trigram tokenizer indexes runs of three characters; shorter terms cannot use the index. */
const TRIGRAM = 3;

const quoteFts = (term: string) => `"${term.replaceAll('"', '""')}"`;
const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Published issues (of one tag, if given) whose title, summary or body contain every term, most
 * recently published first: the index's own order (its rowid is issues.seq, taken anew at each
 * publish, see moveToNewestSeq), so the scan stops after one page however many issues match: ordering by publish time would sort every match
 * first, which took 280 ms at 100,000 issues for a common word (BENCHMARKS.md). Terms of three or more
 * characters go through the FTS5 trigram index; shorter ones ("AI") fall back to LIKE.
 * `afterSeq` is the index position of the last result of the previous page.
 */
export async function searchPublished(
  db: Db,
  options: { terms: string[]; tag?: string; afterSeq: number | null; limit: number },
): Promise<{ issue: IssueListItem; seq: number }[]> {
  const long = options.terms.filter((t) => [...t].length >= TRIGRAM);
  const short = options.terms.filter((t) => [...t].length < TRIGRAM);
  const where: string[] = ["i.status = 'published'"];
  const params: unknown[] = [];
  if (long.length > 0) {
    where.push('issue_search MATCH ?');
    params.push(long.map(quoteFts).join(' AND '));
  }
  for (const term of short) {
    where.push("(s.title LIKE ? ESCAPE '\\' OR s.summary LIKE ? ESCAPE '\\' OR s.body LIKE ? ESCAPE '\\')");
    const pattern = likePattern(term);
    params.push(pattern, pattern, pattern);
  }
  if (options.tag !== undefined) {
    where.push('i.id IN (SELECT issue_id FROM issue_tags WHERE tag = ? AND published_at IS NOT NULL)');
    params.push(options.tag);
  }
  if (options.afterSeq !== null) {
    where.push('s.rowid < ?');
    params.push(options.afterSeq);
  }
  const columns = LIST_COLUMNS.split(', ').map((c) => `i.${c}`).join(', ');
  const sql =
    `SELECT s.rowid AS search_seq, ${columns} FROM issue_search s JOIN issues i ON i.seq = s.rowid ` +
    `WHERE ${where.join(' AND ')} ORDER BY s.rowid DESC LIMIT ?`;
  const { results } = await db.prepare(sql).bind(...params, options.limit).all<IssueRow & { search_seq: number }>();
  return results.map(({ search_seq, ...row }) => ({ issue: toListItem(row), seq: search_seq }));
}
