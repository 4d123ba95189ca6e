const formatters = new Map<string, Intl.DateTimeFormat>();

/** A date written the way readers of `language` write it, in the site's time zone: "2026년 11월 27일". */
export function readableDate(iso: string, language: string, timeZone: string): string {
  const key = `${language}|${timeZone}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long', day: 'numeric', timeZone });
    formatters.set(key, formatter);
  }
  return formatter.format(new Date(iso));
}
