/**
 * Every Cache-Control value Masthead sends, by name, so the policy is one table that tests assert
 * rather than strings scattered through the routes.
 */
export const CACHE_POLICY = {
  /** Editor API answers: never stored by a shared cache, always revalidated. */
  editor: 'private, no-store',
  /** Public JSON API: a minute fresh, then revalidated with the ETag. */
  api: 'public, max-age=60, must-revalidate',
  /** Error answers: not cached, so a fixed problem is seen at once. */
  error: 'no-store',
} as const;
export type CachePolicy = keyof typeof CACHE_POLICY;
