import { WIDGETS, type Widget } from '../domain/partner';
import type { UsageDay } from '../domain/usage';

/**
 * A partner's usage, in its Durable Object's own SQLite storage (src/objects/usage-counter.ts):
 * counts per day and kind, and the distinct client hashes of each day.
 */
export function createUsageTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS usage_counts (
    day   TEXT NOT NULL,
    kind  TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, kind)
  ) WITHOUT ROWID`);
  sql.exec(`CREATE TABLE IF NOT EXISTS usage_readers (
    day    TEXT NOT NULL,
    reader TEXT NOT NULL,
    PRIMARY KEY (day, reader)
  ) WITHOUT ROWID`);
}

/** Adds counts (by day, then kind: a widget or `click`) and readers (by day). */
export function addUsage(sql: SqlStorage, counts: Map<string, Map<string, number>>, readers: Map<string, Set<string>>): void {
  for (const [day, kinds] of counts) {
    for (const [kind, count] of kinds) {
      sql.exec(
        'INSERT INTO usage_counts (day, kind, count) VALUES (?, ?, ?) ON CONFLICT (day, kind) DO UPDATE SET count = count + excluded.count',
        day,
        kind,
        count,
      );
    }
  }
  for (const [day, hashes] of readers) {
    for (const reader of hashes) sql.exec('INSERT OR IGNORE INTO usage_readers (day, reader) VALUES (?, ?)', day, reader);
  }
}

/**
 * Replaces the client hashes of days before `before` by their count (kind `readers`): the hashes
 * are needed only while their day's readers may still come, and are not kept after it.
 */
export function collapseReaders(sql: SqlStorage, before: string): void {
  sql.exec(
    `INSERT INTO usage_counts (day, kind, count)
     SELECT day, 'readers', COUNT(*) FROM usage_readers WHERE day < ? GROUP BY day
     ON CONFLICT (day, kind) DO UPDATE SET count = count + excluded.count`,
    before,
  );
  sql.exec('DELETE FROM usage_readers WHERE day < ?', before);
}

/** Every day from `from` to `to` (inclusive, YYYY-MM-DD) that has any usage, oldest first. */
export function readUsage(sql: SqlStorage, from: string, to: string): UsageDay[] {
  const days = new Map<string, UsageDay>();
  const dayOf = (day: string) => {
    let entry = days.get(day);
    if (entry === undefined) {
      entry = { day, views: Object.fromEntries(WIDGETS.map((w) => [w, 0])) as Record<Widget, number>, readers: 0, clicks: 0 };
      days.set(day, entry);
    }
    return entry;
  };
  for (const row of sql.exec<{ day: string; kind: string; count: number }>(
    'SELECT day, kind, count FROM usage_counts WHERE day BETWEEN ? AND ? ORDER BY day',
    from,
    to,
  )) {
    const entry = dayOf(row.day);
    if (row.kind === 'click') entry.clicks = row.count;
    else if (row.kind === 'readers') entry.readers += row.count;
    else if ((WIDGETS as readonly string[]).includes(row.kind)) entry.views[row.kind as Widget] = row.count;
  }
  for (const row of sql.exec<{ day: string; readers: number }>(
    'SELECT day, COUNT(*) AS readers FROM usage_readers WHERE day BETWEEN ? AND ? GROUP BY day',
    from,
    to,
  )) {
    dayOf(row.day).readers += row.readers;
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}
