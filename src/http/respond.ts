import { CACHE_POLICY, type CachePolicy } from './cache-policy';
import { contentEtag, httpDate, isNotModified, notModified } from './conditional';

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON response with a named cache policy. */
export function json(data: unknown, init: { status?: number; headers?: Record<string, string>; policy: CachePolicy }): Response {
  return new Response(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': CACHE_POLICY[init.policy], ...init.headers },
  });
}

/**
 * A reader representation with a strong ETag over its bytes and a Last-Modified of its newest
 * change, answered 304 when the client already has it.
 */
export async function conditionalJson(
  request: Request,
  data: unknown,
  lastModified: string | null,
  policy: CachePolicy,
): Promise<Response> {
  const body = JSON.stringify(data);
  const etag = await contentEtag(body);
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, 'Cache-Control': CACHE_POLICY[policy], ETag: etag };
  if (lastModified !== null) headers['Last-Modified'] = httpDate(lastModified);
  const response = new Response(body, { headers });
  return isNotModified(request, etag, lastModified) ? notModified(response) : response;
}
