import type { IRequest } from 'itty-router';
import type { App } from '../config';
import { CACHE_POLICY } from '../http/cache-policy';
import { contentEtag, httpDate, isNotModified, notModified } from '../http/conditional';
import type { Representation } from '../http/respond';
import { StorageUnavailable } from '../storage/db';
import { cachedGeneration, readGeneration, readLastOutput, readOutput, storeGeneration, storeOutput, type StoredOutput } from '../storage/site-state';

/**
 * Rendered reader outputs (pages, embeds, feeds, API answers) are cached at two levels, keyed by
 * the content generation, which every change that readers can see moves on (in its own D1
 * transaction), so a stale output is never served after a change:
 *
 * 1. In the isolate, for ISOLATE_TTL_MS: a hit needs no binding I/O at all.
 * 2. In KV, under `out:<generation>:<key>`: a hit needs no D1 query.
 *
 * The generation itself is read from KV at most once per ISOLATE_TTL_MS per isolate. So after a
 * change, the isolate that made it serves the new content at once (locally: at once); others do
 * within ISOLATE_TTL_MS plus KV's propagation (up to 60 s) in production. When D1 fails, readers
 * get the last output rendered for the address (stale-if-error).
 */
export const ISOLATE_TTL_MS = 5_000;
const ISOLATE_MAX_ENTRIES = 500;

interface Entry extends StoredOutput {
  generation: number;
  /** The body encoded once, so a hit does not encode it again for every response. */
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const entryOf = (output: StoredOutput, generation: number): Entry => ({ ...output, generation, bytes: encoder.encode(output.body) });

const isolate = new Map<string, Entry>();
let memo: { generation: number; until: number } | null = null;

async function currentGeneration(app: App): Promise<number> {
  const now = Date.now();
  if (memo !== null && memo.until > now) return memo.generation;
  let generation = await cachedGeneration(app.cache).catch(() => null);
  if (generation === null || Number.isNaN(generation)) {
    generation = await readGeneration(app.db);
    app.defer(storeGeneration(app.cache, generation).catch(() => {}));
  }
  memo = { generation, until: now + ISOLATE_TTL_MS };
  return generation;
}

/** After a change readers can see: this isolate moves on at once, and KV tells the others. */
export function announceGeneration(app: App, generation: number): void {
  memo = { generation, until: Date.now() + ISOLATE_TTL_MS };
  app.defer(storeGeneration(app.cache, generation).catch((error: unknown) => console.warn('kv: could not store the generation', error)));
}

function remember(key: string, entry: Entry): void {
  isolate.delete(key);
  isolate.set(key, entry);
  if (isolate.size > ISOLATE_MAX_ENTRIES) isolate.delete(isolate.keys().next().value as string);
}

function respond(request: Request, output: StoredOutput & { bytes?: Uint8Array }, cache: string): Response {
  const headers: Record<string, string> = {
    'Content-Type': output.contentType,
    'Cache-Control': output.cacheControl,
    ETag: output.etag,
    ...output.headers,
    'Masthead-Cache': cache,
  };
  if (output.lastModified !== null) headers['Last-Modified'] = httpDate(output.lastModified);
  const response = new Response(output.bytes ?? output.body, { headers });
  return isNotModified(request, output.etag, output.lastModified) ? notModified(response) : response;
}

async function stale(request: Request, app: App, key: string, error: StorageUnavailable): Promise<Response> {
  const last = isolate.get(key) ?? (await readLastOutput(app.cache, key).catch(() => null));
  if (last === null || last === undefined) throw error;
  console.warn(`d1 unavailable: serving the last output of ${key}`);
  return respond(request, last, 'stale-if-error');
}

/**
 * The cache key of a logical request: the route's pattern (`/issues/:slug`, not the path as
 * spelled) and the parsed values that select the output (path parameters and query, validated
 * and normalized), so no spelling of one request (percent-encoding, case, parameter order, junk
 * parameters) makes a second entry.
 */
export async function cacheKey(route: string, identity: Record<string, unknown> = {}): Promise<string> {
  const params = Object.entries(identity)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value))}`);
  const key = params.length === 0 ? route : `${route}?${params.join('&')}`;
  // KV keys are at most 512 bytes.
  return key.length <= 200 ? key : `sha256:${(await contentEtag(key)).replaceAll('"', '')}`;
}

export interface CacheOptions {
  /**
   * Whether the output may be kept in KV (shared by every isolate, and kept for days). Outputs that
   * any reader can vary without end (searches) stay in the isolate, so they cost no KV write.
   */
  shared: boolean;
}

/**
 * Serves a reader output from the cache, rendering (from D1) only on a miss. `identity` holds the
 * parsed values that select the output; with the route, it is the cache key.
 */
export async function serveCached(
  request: IRequest,
  app: App,
  identity: Record<string, unknown>,
  render: () => Promise<Representation>,
  options: CacheOptions = { shared: true },
): Promise<Response> {
  const key = await cacheKey(request.route, identity);
  let generation: number;
  try {
    generation = await currentGeneration(app);
  } catch (error) {
    if (error instanceof StorageUnavailable) return stale(request, app, key, error);
    throw error;
  }
  const local = isolate.get(key);
  if (local !== undefined && local.generation === generation) return respond(request, local, 'hit-isolate');
  const stored = options.shared ? await readOutput(app.cache, generation, key).catch(() => null) : null;
  if (stored !== null) {
    const entry = entryOf(stored, generation);
    remember(key, entry);
    return respond(request, entry, 'hit-kv');
  }
  let representation: Representation;
  try {
    representation = await render();
  } catch (error) {
    if (error instanceof StorageUnavailable) return stale(request, app, key, error);
    throw error;
  }
  const output: StoredOutput = {
    body: representation.body,
    contentType: representation.contentType,
    etag: await contentEtag(representation.body),
    lastModified: representation.lastModified,
    cacheControl: CACHE_POLICY[representation.policy],
    headers: representation.headers ?? {},
  };
  const entry = entryOf(output, generation);
  remember(key, entry);
  if (options.shared) {
    app.defer(storeOutput(app.cache, generation, key, output).catch((error: unknown) => console.warn('kv: could not store an output', error)));
  }
  return respond(request, entry, 'miss');
}

/** Forgets this isolate's cache (tests). */
export function forgetIsolateCache(): void {
  isolate.clear();
  memo = null;
}
