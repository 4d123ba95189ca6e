// How long after a write another process starts to serve it: B's feed, list and issue page are
// polled every POLL_MS until all three show the change, and then a few rounds more, to see that
// none of them goes back to what it served before.
import { setTimeout as sleep } from 'node:timers/promises';

export const POLL_MS = 100;
/** How long to keep polling for a change that does not come: past the bound, to measure by how much. */
export const GIVE_UP_MS = 15_000;
const STABLE_ROUNDS = 3;

/** What readers should see of one issue after the write. */
export interface Expected {
  slug: string;
  title: string;
  published: boolean;
}

/** What B answered while polled: `Masthead-Cache` values and 5xx, over the whole run. */
export interface Tally {
  cache: Map<string, number>;
  fivexx: number;
}

export const newTally = (): Tally => ({ cache: new Map(), fivexx: 0 });

interface Listed {
  slug?: string;
  url?: string;
  title?: string;
}

/** Whether a list (of the feed or the API) shows the issue as expected. */
function listShows(items: Listed[], expected: Expected): boolean {
  const entry = items.find((item) => item.slug === expected.slug || item.url?.endsWith(`/issues/${expected.slug}`));
  return expected.published ? entry?.title === expected.title : entry === undefined;
}

const PROBES: { name: string; path: (slug: string) => string; shows: (status: number, body: string, expected: Expected) => boolean }[] = [
  {
    name: '/feed.json',
    path: () => '/feed.json',
    shows: (status, body, e) => status === 200 && listShows((JSON.parse(body) as { items: Listed[] }).items, e),
  },
  {
    name: '/api/v1/issues',
    path: () => '/api/v1/issues',
    shows: (status, body, e) => status === 200 && listShows((JSON.parse(body) as { issues: Listed[] }).issues, e),
  },
  {
    name: 'issue page',
    path: (slug) => `/issues/${encodeURIComponent(slug)}`,
    shows: (status, body, e) => (e.published ? status === 200 && body.includes(e.title) : status === 404),
  },
];

/** The outputs polled, in the order `look` answers for them. */
export const OUTPUTS = PROBES.map((probe) => probe.name);

/** Asks `base` for the three outputs once: which of them show `expected`. */
export async function look(base: string, expected: Expected, tally: Tally): Promise<boolean[]> {
  return Promise.all(
    PROBES.map(async (probe) => {
      const response = await fetch(`${base}${probe.path(expected.slug)}`);
      const body = await response.text();
      const cache = response.headers.get('Masthead-Cache') ?? 'no header';
      tally.cache.set(cache, (tally.cache.get(cache) ?? 0) + 1);
      if (response.status >= 500) tally.fivexx += 1;
      return probe.shows(response.status, body, expected);
    }),
  );
}

/**
 * Milliseconds from `since` (just before the write was sent) until `base` served `expected` on
 * all three outputs (Infinity if not within GIVE_UP_MS), and the outputs that showed the change
 * and then stopped showing it.
 */
export async function staleness(
  base: string,
  expected: Expected,
  since: number,
  tally: Tally,
): Promise<{ ms: number; wentBack: string[] }> {
  const first: (number | undefined)[] = PROBES.map(() => undefined);
  const wentBack = new Set<string>();
  let stable = 0;
  while (stable < STABLE_ROUNDS && Date.now() - since < GIVE_UP_MS) {
    const round = Date.now();
    const shown = await look(base, expected, tally);
    const at = Date.now() - since;
    shown.forEach((shows, i) => {
      if (shows) first[i] ??= at;
      else if (first[i] !== undefined) wentBack.add(PROBES[i]!.name);
    });
    if (first.every((ms) => ms !== undefined)) stable += 1;
    await sleep(Math.max(0, POLL_MS - (Date.now() - round)));
  }
  const ms = first.every((value) => value !== undefined) ? Math.max(...(first as number[])) : Infinity;
  return { ms, wentBack: [...wentBack] };
}
