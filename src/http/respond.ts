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

export interface Representation {
  body: string;
  contentType: string;
  /** When what it shows last changed (RFC 3339), or null when unknown. */
  lastModified: string | null;
  policy: CachePolicy;
  headers?: Record<string, string>;
}

/**
 * A reader representation with a strong ETag over its bytes and a Last-Modified of its newest
 * change, answered 304 when the client already has it.
 */
export async function conditional(request: Request, representation: Representation): Promise<Response> {
  const { body, contentType, lastModified, policy } = representation;
  const etag = await contentEtag(body);
  const headers: Record<string, string> = { 'Content-Type': contentType, 'Cache-Control': CACHE_POLICY[policy], ETag: etag, ...representation.headers };
  if (lastModified !== null) headers['Last-Modified'] = httpDate(lastModified);
  const response = new Response(body, { headers });
  return isNotModified(request, etag, lastModified) ? notModified(response) : response;
}

/** A JSON representation for a reader. */
export function jsonRepresentation(data: unknown, lastModified: string | null, policy: CachePolicy, headers?: Record<string, string>): Representation {
  return { body: JSON.stringify(data), contentType: JSON_TYPE, lastModified, policy, ...(headers ? { headers } : {}) };
}

/** conditional() for a JSON body. */
export function conditionalJson(request: Request, data: unknown, lastModified: string | null, policy: CachePolicy): Promise<Response> {
  return conditional(request, { body: JSON.stringify(data), contentType: JSON_TYPE, lastModified, policy });
}
