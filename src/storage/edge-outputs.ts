import type { CachePolicy } from '../domain/representation';
/**
 * Rendered outputs kept in the Workers Cache API: the cache of the Cloudflare location that
 * serves the request (free, no write quota, evicted when space is needed). Keys carry everything
 * that selects an output (deployment, settings, content version, route and parameters), so an
 * entry is never stale: it is only ever unreachable. The Cache API takes URLs as keys: they are
 * built under the site's own origin, in a path no route answers.
 */

/** A rendered output as the caches keep it. */
export interface StoredOutput {
  body: string;
  contentType: string;
  etag: string;
  lastModified: string | null;
  /** The name of its Cache-Control policy (src/http/cache-policy.ts). */
  policy: CachePolicy;
  headers: Record<string, string>;
}

/** How long a location keeps an output: past a week, a generation is long gone anyway. */
const KEEP_SECONDS = 7 * 86_400;

const urlOf = (siteUrl: string, key: string) => `${siteUrl}/__masthead/cache/${encodeURIComponent(key)}`;

export async function readEdgeOutput(cache: Cache, siteUrl: string, key: string): Promise<StoredOutput | null> {
  const response = await cache.match(urlOf(siteUrl, key));
  return response === undefined ? null : response.json<StoredOutput>();
}

export async function storeEdgeOutput(cache: Cache, siteUrl: string, key: string, output: StoredOutput): Promise<void> {
  const headers = { 'Content-Type': 'application/json', 'Cache-Control': `public, max-age=${KEEP_SECONDS}` };
  await cache.put(urlOf(siteUrl, key), new Response(JSON.stringify(output), { headers }));
}
