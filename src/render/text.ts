/** Escapes text for HTML and XML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text that XML 1.0 can carry: lone surrogates become U+FFFD, and the characters XML 1.0 forbids
 * (C0 controls other than tab, line feed and carriage return; U+FFFE and U+FFFF) are removed.
 */
export function xmlSafe(text: string): string {
  return text.toWellFormed().replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

/** An issue in one line of plain text: its subtitle and summary points, or '' when it has neither. */
export function summaryLine(issue: { subtitle: string | null; summary: readonly string[] }): string {
  return [issue.subtitle, ...issue.summary].filter((s): s is string => s !== null && s !== '').join(' · ');
}
