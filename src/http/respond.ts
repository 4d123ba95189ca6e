import { contentEtag } from '../domain/hashing';
import type { CachePolicy, Representation } from '../domain/representation';
import { CACHE_POLICY } from './cache-policy';
import { isNotModified, notModified } from './conditional';

const JSON_TYPE = 'application/json; charset=utf-8';

/** A JSON response with a named cache policy. */
export function json(data: unknown, init: { status?: number; headers?: Record<string, string>; policy: CachePolicy }): Response {
  return new Response(JSON.stringify(data), {
    status: init.status ?? 200,
    headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': CACHE_POLICY[init.policy], ...init.headers },
  });
}

/** A JSON representation for a reader. */
export function jsonRepresentation(data: unknown, lastModified: string | null, policy: CachePolicy): Representation {
  return { body: JSON.stringify(data), contentType: JSON_TYPE, lastModified, policy };
}

interface Prepared {
  bytes: Uint8Array;
  etag: string;
  headers: Record<string, string>;
}
const statics = new Map<string, Promise<Prepared>>();

async function prepare(representation: Representation): Promise<Prepared> {
  const etag = await contentEtag(representation.body);
  const headers = {
    'Content-Type': representation.contentType,
    'Cache-Control': CACHE_POLICY[representation.policy],
    ETag: etag,
    ...representation.headers,
  };
  return { bytes: new TextEncoder().encode(representation.body), etag, headers };
}

/**
 * A representation that never changes while the isolate lives (the partner snippet, the API
 * document): built, encoded and hashed once per key, then answered (or 304) without any work.
 */
export async function staticResponse(
  request: Request,
  key: string,
  make: () => Representation | Promise<Representation>,
): Promise<Response> {
  let prepared = statics.get(key);
  if (prepared === undefined) {
    prepared = Promise.resolve(make()).then(prepare);
    statics.set(key, prepared);
  }
  const { bytes, etag, headers } = await prepared;
  const response = new Response(bytes, { headers });
  return isNotModified(request, etag, null) ? notModified(response) : response;
}
