/**
 * A keyset page: ask for one row more than the page holds; if it came, there is a next page, and
 * its cursor is made from the page's last row (`cursorOf` may say null: no next page after it).
 */
export async function keysetPage<T, C>(
  limit: number,
  fetch: (limit: number) => Promise<T[]>,
  cursorOf: (last: T) => C | null | Promise<C | null>,
): Promise<{ items: T[]; next: C | null }> {
  const rows = await fetch(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const next = rows.length > limit && last !== undefined ? await cursorOf(last) : null;
  return { items, next };
}
