import type { CachePolicy } from '../domain/representation';
import { CACHE_POLICY } from './cache-policy';
import { httpDate, isNotModified, notModified } from './conditional';

/** What the answer needs of a cached output (src/services/render-cache.ts keeps them). */
export interface CachedBody {
  bytes: Uint8Array;
  contentType: string;
  policy: CachePolicy;
  etag: string;
  lastModified: string | null;
  headers: Record<string, string>;
}

/**
 * The answer for a cached output: its headers, its cache policy, where it came from
 * (`Masthead-Cache`), or a 304 when the request's validators match.
 */
export function cachedResponse(request: Request, output: CachedBody, tier: string): Response {
  const headers: Record<string, string> = {
    'Content-Type': output.contentType,
    'Cache-Control': CACHE_POLICY[output.policy],
    ETag: output.etag,
    ...output.headers,
    'Masthead-Cache': tier,
  };
  if (output.lastModified !== null) headers['Last-Modified'] = httpDate(output.lastModified);
  const response = new Response(output.bytes, { headers });
  return isNotModified(request, output.etag, output.lastModified) ? notModified(response) : response;
}
