/**
 * A value as an SQL literal, for the statements that cannot bind parameters (`wrangler d1 execute
 * --command/--file`, and the bulk loader's multi-row INSERTs): strings quoted with every `'`
 * doubled, finite numbers as they are, null as NULL.
 */
export function sqlLiteral(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} has no SQL literal`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}
