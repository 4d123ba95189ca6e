/** Whitespace, control and invisible format characters a spreadsheet may skip before a formula. */
const LEADING_BLANKS = /^[\s\p{Cc}\p{Cf}]+/u;
/** What starts a formula (OWASP "CSV injection"); a leading tab or CR is refused by itself. */
const FORMULA_START = /^[=+\-@]/;

/**
 * Whether a spreadsheet could read the text as a formula. Compared after NFKC, because some
 * spreadsheets fold compatibility forms (＝ fullwidth, ﹦ small, ⁼ superscript, ⩵ "==") to ASCII,
 * and after any leading blanks, which some skip.
 */
function mayStartFormula(text: string): boolean {
  const folded = text.normalize('NFKC');
  return /^[\t\r]/.test(folded) || FORMULA_START.test(folded.replace(LEADING_BLANKS, ''));
}

/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet: quoted, quotes doubled, and prefixed
 * with ' where it could start a formula, so a comment cannot become one.
 */
function field(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (mayStartFormula(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/** A CSV document with a header row; lines end in CRLF as RFC 4180 asks. */
export function toCsv<K extends string>(columns: readonly K[], rows: readonly Record<K, unknown>[]): string {
  return `${[columns.map(field).join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))].join('\r\n')}\r\n`;
}
