/**
 * How long caches may keep an answer, by name; src/http/cache-policy.ts holds the Cache-Control
 * value of each.
 */
export type CachePolicy = 'editor' | 'api' | 'feed' | 'feedArchive' | 'page' | 'widget' | 'asset' | 'media' | 'error';

/** A reader output as routes build it and the caches keep it, before it becomes a Response. */
export interface Representation {
  body: string;
  contentType: string;
  /** When what it shows last changed (RFC 3339), or null when unknown. */
  lastModified: string | null;
  policy: CachePolicy;
  headers?: Record<string, string>;
  /**
   * False for an answer any reader can vary without end that names nothing that exists (a list of
   * a tag no issue has): it is kept in the isolate only, never in the location's shared cache.
   */
  shared?: boolean;
}
