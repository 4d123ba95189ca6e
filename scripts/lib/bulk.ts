import type { Issue } from '../../src/domain/issue';
import type { Db } from '../../src/storage/db';
import { ISSUE_COLUMNS, toRowValues } from '../../src/storage/issue-rows';
import { recountStatements } from '../../src/storage/published-counts';
import { gramRowStatements, SEARCH_ROWS_FROM_ISSUES_SQL } from '../../src/storage/search';
import { sqlLiteral } from '../../src/storage/sql-literal';

/**
 * Bulk loading for the benchmark's generated data sets (100,000 issues would take an hour through
 * the write path): published issues, their tag rows and search rows, many to a statement. No
 * revisions are written; reads do not use them.
 */
function row(issue: Issue): string {
  // No base: generated issues name no upload of ours, so no address is turned into a path.
  const values = toRowValues(issue, '');
  return `(${ISSUE_COLUMNS.map((column) => sqlLiteral(values[column])).join(', ')})`;
}

/** Inserts published issues (at most ~20 a statement, to stay under D1's 100 KB statement limit). */
export async function bulkInsertPublished(db: Db, issues: Issue[]): Promise<void> {
  const statements = [db.prepare(`INSERT INTO issues (${ISSUE_COLUMNS.join(', ')}) VALUES ${issues.map(row).join(', ')}`)];
  const tagRows = issues.flatMap((issue) =>
    issue.tags.map((tag) => `(${sqlLiteral(tag)}, ${sqlLiteral(issue.id)}, ${sqlLiteral(issue.published_at)})`),
  );
  if (tagRows.length > 0) statements.push(db.prepare(`INSERT INTO issue_tags (tag, issue_id, published_at) VALUES ${tagRows.join(', ')}`));
  const ids = issues.map((issue) => sqlLiteral(issue.id)).join(', ');
  statements.push(db.prepare(`${SEARCH_ROWS_FROM_ISSUES_SQL} WHERE id IN (${ids})`));
  // New rows: there is no old gram row to remove.
  for (const issue of issues) statements.push(...gramRowStatements(db, issue, 'id = ?', [issue.id]).write);
  await db.batch(statements);
}

/** Brings the published counts up to date after bulk loading. */
export async function bulkRecount(db: Db): Promise<void> {
  await db.batch(recountStatements(db));
}
