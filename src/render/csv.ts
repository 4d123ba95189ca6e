/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet: quoted, quotes doubled, and a leading
 * = + - @ tab or CR prefixed with ' so a comment cannot become a formula.
 */
function field(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/** A CSV document with a header row; lines end in CRLF as RFC 4180 asks. */
export function toCsv<K extends string>(columns: readonly K[], rows: readonly Record<K, unknown>[]): string {
  return [columns.map(field).join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))].join('\r\n') + '\r\n';
}
