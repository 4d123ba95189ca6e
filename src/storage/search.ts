import type { Issue, IssueListItem } from '../domain/issue';
import { foldForSearch, gramToken, isShortTerm, issueGrams } from '../domain/search-text';
import type { Db } from './db';
import { type IssueRow, LIST_COLUMNS, toListItem } from './issue-rows';

/**
 * The trigram rows of stored issues, written in SQL alone (summary points joined by newlines, as
 * searchRowWrite writes them): for a restore, and the benchmark's bulk loader. Add a WHERE to narrow it.
 */
export const SEARCH_ROWS_FROM_ISSUES_SQL =
  'INSERT INTO issue_search (rowid, title, summary, body) SELECT seq, title, ' +
  "COALESCE((SELECT group_concat(value, char(10)) FROM json_each(issues.summary)), ''), body FROM issues";

/**
 * The statements that replace an issue's rows in the search indexes, for every write batch: the
 * old rows go first (before the write may give the issue a new `seq`), the new rows after it.
 */
export function searchRowWrite(db: Db, issue: Issue): { before: D1PreparedStatement[]; after: D1PreparedStatement[] } {
  const rows = searchRowStatements(db, issue, 'id = ?', [issue.id]);
  return { before: rows.remove, after: rows.write };
}

/**
 * The statements that replace an issue's rows in both search indexes and mark its gram row
 * written, for the issue rows that `where` picks (its `?`s bound to `params`): the old rows go,
 * the new ones are written from `text`, folded as queries are (foldForSearch).
 */
export function searchRowStatements(
  db: Db,
  text: Pick<Issue, 'title' | 'summary' | 'body'>,
  where: string,
  params: unknown[],
): { remove: D1PreparedStatement[]; write: D1PreparedStatement[] } {
  const grams = gramRowStatements(db, text, where, params);
  return {
    remove: [db.prepare(`DELETE FROM issue_search WHERE rowid = (SELECT seq FROM issues WHERE ${where})`).bind(...params), grams.remove],
    write: [
      db
        .prepare(`INSERT INTO issue_search (rowid, title, summary, body) SELECT seq, ?, ?, ? FROM issues WHERE ${where}`)
        .bind(foldForSearch(text.title), foldForSearch(text.summary.join('\n')), foldForSearch(text.body), ...params),
      ...grams.write,
    ],
  };
}

/**
 * The statements that replace an issue's gram row and mark it written, for the issue rows that
 * `where` picks (its `?`s bound to `params`): the old row goes, the new one is written from `text`.
 */
export function gramRowStatements(
  db: Db,
  text: Pick<Issue, 'title' | 'summary' | 'body'>,
  where: string,
  params: unknown[],
): { remove: D1PreparedStatement; write: D1PreparedStatement[] } {
  return {
    remove: db.prepare(`DELETE FROM issue_grams WHERE rowid = (SELECT seq FROM issues WHERE ${where})`).bind(...params),
    write: [
      db.prepare(`INSERT INTO issue_grams (rowid, grams) SELECT seq, ? FROM issues WHERE ${where}`).bind(issueGrams(text), ...params),
      db.prepare(`UPDATE issues SET grams_indexed = 1 WHERE ${where}`).bind(...params),
    ],
  };
}

/** An issue waiting for its gram row: what the row is written from, and the version it was read at. */
export type PendingGrams = Pick<Issue, 'id' | 'version' | 'title' | 'summary' | 'body'>;

/** Issues whose gram row is not written yet (see migrations/0013_gram_index.sql). */
export async function gramsPending(db: Db, limit: number): Promise<PendingGrams[]> {
  const { results } = await db
    .prepare('SELECT id, version, title, summary, body FROM issues WHERE grams_indexed = 0 ORDER BY seq DESC LIMIT ?')
    .bind(limit)
    .all<Omit<PendingGrams, 'summary'> & { summary: string }>();
  return results.map((row) => ({ ...row, summary: JSON.parse(row.summary) as string[] }));
}

/**
 * Writes the gram rows of issues read by gramsPending, in one batch. An issue written since it was
 * read is left alone (its version moved on): the write path indexed it itself.
 */
export async function storeGrams(db: Db, issues: readonly PendingGrams[]): Promise<void> {
  if (issues.length === 0) return;
  await db.batch(
    issues.flatMap((issue) => {
      // Both rows: one restored (or indexed before search folded as it does now) holds its text as written.
      const { remove, write } = searchRowStatements(db, issue, 'id = ? AND version = ? AND grams_indexed = 0', [issue.id, issue.version]);
      return [...remove, ...write];
    }),
  );
}

/**
 * The statement that moves a published issue to the end of the index: `seq` (the index's rowid)
 * is taken anew at each publish, so the index's own order is the order of publication.
 */
export function moveToNewestSeq(db: Db, issueId: string): D1PreparedStatement {
  return db.prepare('UPDATE issues SET seq = (SELECT MAX(seq) + 1 FROM issues) WHERE id = ?').bind(issueId);
}

const quoteFts = (term: string) => `"${term.replaceAll('"', '""')}"`;
const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Published issues (of one tag, if given) whose title, summary or body contain every term, most
 * recently published first: the indexes' own order (their rowid is issues.seq, taken anew at each
 * publish, see moveToNewestSeq), so the scan stops after one page however many issues match:
 * ordering by publish time would sort every match first, which took 280 ms at 100,000 issues for a
 * common word (BENCHMARKS.md).
 *
 * - Only terms of three or more characters: the trigram index, which intersects them itself.
 * - Any shorter term (서울, AI): the gram index drives, with every term in one MATCH (so FTS5
 *   intersects them all, rare and common alike): a short term as its own token, a longer one as
 *   the pairs of adjacent characters it is made of. Pairs can occur apart, so each longer term is
 *   then checked in the trigram index, for that row only.
 * - While issues wait for their gram rows (after the migration or a restore, see gramsPending),
 *   short terms are found by a scan of the text instead, so that no issue is missed.
 *
 * `afterSeq` is the index position of the last result of the previous page.
 */
export async function searchPublished(
  db: Db,
  options: { terms: string[]; tag?: string; afterSeq: number | null; limit: number },
  base: string,
): Promise<{ issue: IssueListItem; seq: number }[]> {
  const long = options.terms.filter((t) => !isShortTerm(t));
  const short = options.terms.filter(isShortTerm);
  const trigramQuery = long.map(quoteFts).join(' AND ');
  const scanShort = short.length > 0 && (await db.prepare(GRAMS_PENDING_SQL).first()) !== null;
  const where: string[] = ["i.status = 'published'"];
  const params: unknown[] = [];
  let drive: 'issue_search' | 'issue_grams' = 'issue_search';
  if (short.length === 0 || scanShort) {
    if (long.length > 0) {
      where.push('issue_search MATCH ?');
      params.push(trigramQuery);
    }
    // An issue with its gram row is found through it; only one still waiting is scanned, its
    // trigram row folded as the term is (searchRowStatements), so LIKE compares folded text.
    for (const term of short) {
      where.push(
        "((i.grams_indexed = 1 AND d.rowid IN (SELECT rowid FROM issue_grams WHERE issue_grams MATCH ?)) OR (i.grams_indexed = 0 AND (d.title LIKE ? ESCAPE '\\' OR d.summary LIKE ? ESCAPE '\\' OR d.body LIKE ? ESCAPE '\\')))",
      );
      const pattern = likePattern(term);
      params.push(quoteFts(gramToken(term)), pattern, pattern, pattern);
    }
  } else {
    drive = 'issue_grams';
    const tokens = new Set([...short.map(gramToken), ...long.flatMap(pairTokens)]);
    where.push('issue_grams MATCH ?');
    params.push([...tokens].map(quoteFts).join(' AND '));
    if (long.length > 0) {
      where.push('EXISTS (SELECT 1 FROM issue_search t WHERE t.rowid = d.rowid AND issue_search MATCH ?)');
      params.push(trigramQuery);
    }
  }
  if (options.tag !== undefined) {
    // Checked per candidate row by its key (tag, issue_id): a list of every issue of the tag would
    // be read in full first (37 ms p50 at 100,000 issues for a 2-character term, BENCHMARKS.md).
    where.push('EXISTS (SELECT 1 FROM issue_tags t WHERE t.tag = ? AND t.issue_id = i.id AND t.published_at IS NOT NULL)');
    params.push(options.tag);
  }
  if (options.afterSeq !== null) {
    where.push('d.rowid < ?');
    params.push(options.afterSeq);
  }
  const columns = LIST_COLUMNS.split(', ')
    .map((c) => `i.${c}`)
    .join(', ');
  const sql =
    `SELECT d.rowid AS search_seq, ${columns} FROM ${drive} d JOIN issues i ON i.seq = d.rowid ` +
    `WHERE ${where.join(' AND ')} ORDER BY d.rowid DESC LIMIT ?`;
  const { results } = await db
    .prepare(sql)
    .bind(...params, options.limit)
    .all<IssueRow & { search_seq: number }>();
  return results.map(({ search_seq, ...row }) => ({ issue: toListItem(row, base), seq: search_seq }));
}

/**
 * Whether any issue waits for its gram row. Drafts count too (the cron indexes them alike), so
 * that the question is one probe of the partial index that holds only waiting issues: asked of
 * published issues, SQLite answered it from the index of statuses, reading every published row
 * (230 ms at 100,000 issues, BENCHMARKS.md).
 */
const GRAMS_PENDING_SQL = 'SELECT 1 FROM issues INDEXED BY issues_grams_pending WHERE grams_indexed = 0 LIMIT 1';

/** The gram tokens of a longer term's adjacent pairs: all occur wherever the term does. */
function pairTokens(term: string): string[] {
  const chars = [...term];
  return chars.slice(1).map((char, i) => gramToken(`${chars[i]}${char}`));
}
