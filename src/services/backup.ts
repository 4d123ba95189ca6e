import * as v from 'valibot';
import { parseMediaName } from '../domain/media';
import {
  BACKUP_TABLES,
  type BackupTable,
  COUNT_ISSUES_SQL,
  COUNT_ROWS_SQL,
  exportQuery,
  insertStatement,
  REBUILD_SEARCH_SQL,
  RECOUNT_SQL,
  type Row,
} from '../storage/backup';
import { OWN_MEDIA_AS_PATHS_SQL } from '../storage/media-paths';

const BACKUP_FORMAT = 'masthead-backup';
/** Version 2 added the media index (version 1 backups, which have none, still restore). */
const BACKUP_VERSION = 2;

/** Runs one SQL statement and returns its rows: a D1 binding in tests, `wrangler d1 execute` in the CLI. */
export type RunSql = (sql: string) => Promise<Row[]>;

const RowSchema = v.record(v.string(), v.nullable(v.union([v.string(), v.number()])));
const BackupSchema = v.object({
  format: v.literal(BACKUP_FORMAT, `must be "${BACKUP_FORMAT}"`),
  version: v.picklist([1, BACKUP_VERSION], `must be 1 or ${BACKUP_VERSION}`),
  exported_at: v.string(),
  tables: v.object({
    ...(Object.fromEntries(Object.keys(BACKUP_TABLES).map((t) => [t, v.array(RowSchema)])) as Record<
      BackupTable,
      v.ArraySchema<typeof RowSchema, undefined>
    >),
    media: v.optional(v.array(RowSchema), []),
  }),
});
export type Backup = v.InferOutput<typeof BackupSchema>;

const TABLES = Object.keys(BACKUP_TABLES) as BackupTable[];

/** Reads every table a page at a time; `progress` hears of each page. */
export async function exportBackup(
  run: RunSql,
  now: Date,
  progress: (table: string, rows: number) => void = () => {},
  pageSize = 500,
): Promise<Backup> {
  const tables = {} as Record<BackupTable, Row[]>;
  for (const table of TABLES) {
    tables[table] = [];
    for (let offset = 0; ; offset += pageSize) {
      const rows = await run(exportQuery(table, offset, pageSize));
      tables[table].push(...rows);
      progress(table, tables[table].length);
      if (rows.length < pageSize) break;
    }
  }
  return { format: BACKUP_FORMAT, version: BACKUP_VERSION, exported_at: now.toISOString(), tables };
}

/** Checks a backup file's shape; the messages say what is wrong where. */
export function parseBackup(data: unknown): Backup {
  const result = v.safeParse(BackupSchema, data);
  if (!result.success)
    throw new Error(
      `not a Masthead backup: ${result.issues
        .slice(0, 3)
        .map((i) => `${v.getDotPath(i) ?? '(root)'} ${i.message}`)
        .join('; ')}`,
    );
  return result.output;
}

/** The folder beside a backup file that holds its media: `backup.json` → `backup.media`. */
export const mediaFolderOf = (backupFile: string) => `${backupFile.replace(/\.json$/i, '')}.media`;

/** A media file a backup holds: its key in R2 (and file name in the backup's media folder), hash and type. */
export interface BackupMediaFile {
  key: string;
  sha256: string;
  contentType: string;
  bytes: number;
}

/**
 * The files a backup's media index names, each checked to be a name this Worker could have stored;
 * a file taken down has no bytes, and is not among them.
 */
export function backupMediaFiles(backup: Backup): BackupMediaFile[] {
  return backup.tables.media.flatMap((row, i) => {
    if (row.taken_down_at) return [];
    const { sha256, ext, content_type: contentType, bytes } = row;
    const key = `${sha256}.${ext}`;
    if (typeof sha256 !== 'string' || typeof ext !== 'string' || parseMediaName(key) === null) {
      throw new Error(`not a Masthead backup: tables.media.${i} names no stored file (${JSON.stringify(key)})`);
    }
    return [{ key, sha256, contentType: String(contentType), bytes: Number(bytes) }];
  });
}

/** Refuses to restore over existing issues: a restore goes into an empty database. */
export async function assertEmpty(run: RunSql): Promise<void> {
  const [row] = await run(COUNT_ISSUES_SQL);
  if (Number(row?.n ?? 0) > 0) throw new Error(`the database already holds ${row?.n} issues; restore into an empty one`);
  if (Number(row?.media ?? 0) > 0) throw new Error(`the database already holds ${row?.media} uploaded files; restore into an empty one`);
}

/** The statements that restore a backup, in order, ending with the search index and the counts. */
export function restoreStatements(backup: Backup, now: Date): string[] {
  const statements: string[] = [];
  for (const table of TABLES) for (const row of backup.tables[table]) statements.push(insertStatement(table, row, now.toISOString()));
  // An older backup names our uploads by absolute URLs under its own site: they become paths here.
  statements.push(REBUILD_SEARCH_SQL, ...RECOUNT_SQL, ...OWN_MEDIA_AS_PATHS_SQL.map((sql) => `${sql};`));
  return statements;
}

export type RowCounts = Record<BackupTable, number>;

/** How many rows each backed-up table holds now. */
export async function countRows(run: RunSql): Promise<RowCounts> {
  const [row] = await run(COUNT_ROWS_SQL);
  return Object.fromEntries(TABLES.map((table) => [table, Number(row?.[table] ?? 0)])) as RowCounts;
}

/**
 * What a restore wrote, read back from the database (counts before and after it), and each table
 * where that falls short of the backup: wrangler's success says the SQL ran, not what it stored.
 */
export function restoredRows(backup: Backup, before: RowCounts, after: RowCounts): { rows: RowCounts; missing: string[] } {
  const rows = Object.fromEntries(TABLES.map((table) => [table, after[table] - before[table]])) as RowCounts;
  const missing = TABLES.filter((table) => rows[table] !== backup.tables[table].length).map(
    (table) => `${table}: ${backup.tables[table].length} in the backup, ${rows[table]} restored`,
  );
  return { rows, missing };
}
