import type { Issue } from '../domain/issue';
import { issueGrams } from '../domain/search-text';
import type { Db } from './db';
import { recountStatements } from './published-counts';

/**
 * Bulk loading for the benchmark's generated data sets (100,000 issues would take an hour through
 * the write path): published issues, their tag rows and search rows, many to a statement. No
 * revisions are written; reads do not use them.
 */
const COLUMNS = [
  'id',
  'number',
  'slug',
  'title',
  'subtitle',
  'summary',
  'body',
  'html',
  'teasers',
  'tags',
  'authors',
  'cover_image',
  'canonical_url',
  'language',
  'status',
  'publish_at',
  'published_at',
  'created_at',
  'updated_at',
  'version',
] as const;

const literal = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;

function row(issue: Issue): string {
  const values: (string | number | null)[] = [
    issue.id,
    issue.number,
    issue.slug,
    issue.title,
    issue.subtitle,
    JSON.stringify(issue.summary),
    issue.body,
    issue.html,
    JSON.stringify(issue.teasers),
    JSON.stringify(issue.tags),
    JSON.stringify(issue.authors),
    issue.cover_image,
    issue.canonical_url,
    issue.language,
    issue.status,
    issue.publish_at,
    issue.published_at,
    issue.created_at,
    issue.updated_at,
    issue.version,
  ];
  return `(${values.map(literal).join(', ')})`;
}

/** Inserts published issues (at most ~20 a statement, to stay under D1's 100 KB statement limit). */
export async function bulkInsertPublished(db: Db, issues: Issue[]): Promise<void> {
  const statements = [db.prepare(`INSERT INTO issues (${COLUMNS.join(', ')}) VALUES ${issues.map(row).join(', ')}`)];
  const tagRows = issues.flatMap((issue) =>
    issue.tags.map((tag) => `(${literal(tag)}, ${literal(issue.id)}, ${literal(issue.published_at)})`),
  );
  if (tagRows.length > 0) statements.push(db.prepare(`INSERT INTO issue_tags (tag, issue_id, published_at) VALUES ${tagRows.join(', ')}`));
  const ids = issues.map((issue) => literal(issue.id)).join(', ');
  statements.push(
    db.prepare(
      'INSERT INTO issue_search (rowid, title, summary, body) SELECT seq, title, ' +
        `COALESCE((SELECT group_concat(value, char(10)) FROM json_each(issues.summary)), ''), body FROM issues WHERE id IN (${ids})`,
    ),
  );
  for (const issue of issues) {
    statements.push(
      db.prepare('INSERT INTO issue_grams (rowid, grams) SELECT seq, ? FROM issues WHERE id = ?').bind(issueGrams(issue), issue.id),
    );
  }
  statements.push(db.prepare(`UPDATE issues SET grams_indexed = 1 WHERE id IN (${ids})`));
  await db.batch(statements);
}

/** Brings the published counts up to date after bulk loading. */
export async function bulkRecount(db: Db): Promise<void> {
  await db.batch(recountStatements(db));
}
