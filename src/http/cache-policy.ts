import type { CachePolicy } from '../domain/representation';

/**
 * Every Cache-Control value Masthead sends, by name, so the policy is one table that tests assert
 * rather than strings scattered through the routes.
 */
export const CACHE_POLICY = {
  /** Editor API answers: never stored by any cache. */
  editor: 'private, no-store',
  /** Public JSON API: a minute fresh, then revalidated with the ETag. */
  api: 'public, max-age=60, must-revalidate',
  /** Subscription feeds: readers poll them; five minutes fresh, then revalidated. */
  feed: 'public, max-age=300, must-revalidate',
  /**
   * RFC 5005 archive pages: a full page does not change as new issues come, so a day is safe.
   * Unpublishing an old issue is the exception; its archive page may be served stale for that day.
   */
  feedArchive: 'public, max-age=86400, stale-while-revalidate=604800',
  /** HTML pages and embeds: a minute fresh, then revalidated. */
  page: 'public, max-age=60, must-revalidate',
  /**
   * Embeds and widgets (`/embed/…`): revalidated at every load (a 304 from the ETag when nothing
   * changed), so a partner's page shows a new issue on its next load, and a removed partner's page
   * loses the right to frame, within the consistency bound; and each load is a view to count.
   */
  widget: 'public, no-cache',
  /** Our static scripts (the partner snippet): a day, revalidated after. */
  asset: 'public, max-age=86400',
  /**
   * Uploaded files (`/media/<sha256>.<ext>`): their bytes never change under a name, but a file
   * can be taken down, so a day at most, not a year `immutable`: a reader's browser or a shared
   * cache may keep showing a file taken down for up to a day (README, "Taking a file down"), and a
   * revalidation after that is a cheap 304.
   */
  media: 'public, max-age=86400',
  /** Error answers: not cached, so a fixed problem is seen at once. */
  error: 'no-store',
} as const satisfies Record<CachePolicy, string>;
