import { BUMP_GENERATION_SQL } from './content-version';
import { ISSUE_COLUMNS } from './issue-rows';
import { RECOUNT_ALL_SQL } from './published-counts';
import { SEARCH_ROWS_FROM_ISSUES_SQL } from './search';
import { sqlLiteral } from './sql-literal';
/**
 * The SQL of backups. `wrangler d1 export` cannot dump FTS5 tables, so backups are JSON built from
 * these queries, and restored with these statements (literal SQL, because `wrangler d1 execute
 * --file` binds no parameters). The search index is not exported; it is rebuilt from the issues.
 */

/** Tables in restore order (parents first), each with its columns and a stable order. */
export const BACKUP_TABLES = {
  issues: {
    columns: ['seq', ...ISSUE_COLUMNS],
    orderBy: 'seq',
  },
  issue_tags: { columns: ['tag', 'name', 'issue_id', 'published_at'], orderBy: 'tag, issue_id' },
  revisions: { columns: ['issue_id', 'n', 'action', 'author', 'snapshot', 'created_at'], orderBy: 'issue_id, n' },
  // Token metadata only: the hashes never leave the database.
  tokens: { columns: ['id', 'name', 'role', 'created_at', 'revoked_at'], orderBy: 'id' },
  feedback: {
    columns: ['id', 'issue_id', 'rating', 'comment', 'email', 'client_hash', 'window_start', 'created_at', 'updated_at'],
    orderBy: 'id',
  },
  // The index of uploaded media; the files themselves go in a folder beside the backup (scripts/export.ts).
  media: {
    // A file taken down keeps its record (who, when, why) and has no bytes to back up.
    columns: [
      'sha256',
      'ext',
      'content_type',
      'bytes',
      'width',
      'height',
      'created_at',
      'created_by',
      'taken_down_at',
      'taken_down_by',
      'taken_down_reason',
    ],
    orderBy: 'created_at, sha256',
  },
} as const;
export type BackupTable = keyof typeof BACKUP_TABLES;
export type Row = Record<string, string | number | null>;

/** One page of a table, for export. */
export function exportQuery(table: BackupTable, offset: number, limit: number): string {
  const { columns, orderBy } = BACKUP_TABLES[table];
  return `SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset};`;
}

/** What makes a database not empty for a restore: issues, or uploaded media (whose rows a restore writes too). */
export const COUNT_ISSUES_SQL = 'SELECT (SELECT COUNT(*) FROM issues) AS n, (SELECT COUNT(*) FROM media) AS media;';

/** The row count of every backed-up table, in one row (one `wrangler d1 execute`, not five). */
export const COUNT_ROWS_SQL = `SELECT ${Object.keys(BACKUP_TABLES)
  .map((table) => `(SELECT COUNT(*) FROM ${table}) AS ${table}`)
  .join(', ')};`;

/**
 * The INSERT for one backed-up row. Tokens come back revoked, with a hash nothing matches: their
 * secrets were never exported, so new ones are minted after a restore.
 */
export function insertStatement(table: BackupTable, row: Row, restoredAt: string): string {
  // A column the row lacks (a backup older than the column) is left to its default.
  const columns: string[] = BACKUP_TABLES[table].columns.filter((column) => column in row);
  const values = columns.map((column) => sqlLiteral(row[column] ?? null));
  if (table === 'tokens') {
    columns.push('hash');
    values.push(sqlLiteral('restored-without-secret'));
    values[columns.indexOf('revoked_at')] = sqlLiteral(row.revoked_at ?? restoredAt);
  }
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')});`;
}

/** Recounts published issues after a restore (the counts are derived, so they are not exported). */
export const RECOUNT_SQL = [
  ...RECOUNT_ALL_SQL.map((sql) => `${sql};`),
  // Readers must see what was restored: a new content version (the epoch is the new database's own).
  `${BUMP_GENERATION_SQL};`,
];

/**
 * Rebuilds the trigram index from the restored issues, as the write path would have filled it. The
 * gram index cannot be written in SQL: the restored issues come back marked as waiting for it, and
 * the cron writes their rows (src/services/search-index.ts).
 */
export const REBUILD_SEARCH_SQL = `${SEARCH_ROWS_FROM_ISSUES_SQL};`;
