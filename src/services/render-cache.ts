import type { IRequest } from 'itty-router';
import type { App } from '../config';
import { CACHE_POLICY } from '../http/cache-policy';
import { contentEtag, httpDate, isNotModified, notModified } from '../http/conditional';
import type { Representation } from '../http/respond';
import { StorageUnavailable } from '../storage/db';
import { readEdgeOutput, type StoredOutput, storeEdgeOutput } from '../storage/edge-outputs';
import { versionToServe } from './content-version';
import { type CachedOutput, type IsolateState, type KnownVersion, resetIsolateState, THIS_ISOLATE } from './isolate-state';

/**
 * Rendered reader outputs (pages, embeds, feeds, API answers) are cached at two levels, under a
 * key that holds everything that selects one: the deployment and the settings it runs with, the
 * content version (see content-version.ts), the route and its parsed parameters. A change moves
 * the version on, so an older output is never served again: it is only unreachable.
 *
 * 1. In the isolate, up to ISOLATE_MAX_BYTES: a hit needs no binding I/O at all.
 * 2. In the location's Cache API: a hit needs no D1 query (and costs nothing: no write quota).
 *
 * A miss renders from D1 through a session that starts at the bookmark of the version, so a
 * lagging replica can never put older rows under a newer version. When D1 cannot be reached,
 * readers get what is cached for the newest version this isolate knows (stale-if-error), never
 * an output of an older one: content that was withdrawn does not come back.
 */
export const ISOLATE_MAX_BYTES = 8 * 1024 * 1024;

const encoder = new TextEncoder();
const entryOf = (output: StoredOutput): CachedOutput => ({ ...output, bytes: encoder.encode(output.body) });

function remember(state: IsolateState, key: string, entry: CachedOutput): void {
  const old = state.outputs.get(key);
  if (old !== undefined) state.bytes -= old.bytes.byteLength;
  state.outputs.delete(key);
  if (entry.bytes.byteLength > ISOLATE_MAX_BYTES / 4) return; // one output may not crowd out the rest
  state.outputs.set(key, entry);
  state.bytes += entry.bytes.byteLength;
  for (const [oldest, { bytes }] of state.outputs) {
    if (state.bytes <= ISOLATE_MAX_BYTES) break;
    state.outputs.delete(oldest);
    state.bytes -= bytes.byteLength;
  }
}

function recall(state: IsolateState, key: string): CachedOutput | undefined {
  const entry = state.outputs.get(key);
  if (entry !== undefined) {
    state.outputs.delete(key);
    state.outputs.set(key, entry);
  }
  return entry;
}

function respond(request: Request, output: CachedOutput, cache: string): Response {
  const headers: Record<string, string> = {
    'Content-Type': output.contentType,
    'Cache-Control': output.cacheControl,
    ETag: output.etag,
    ...output.headers,
    'Masthead-Cache': cache,
  };
  if (output.lastModified !== null) headers['Last-Modified'] = httpDate(output.lastModified);
  const response = new Response(output.bytes, { headers });
  return isNotModified(request, output.etag, output.lastModified) ? notModified(response) : response;
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
  return key.length <= 200 ? key : `sha256:${(await contentEtag(key)).replaceAll('"', '')}`;
}

/**
 * Benchmark builds only. `npm run bench` builds the Worker with `--define MASTHEAD_BENCH:true`;
 * wrangler.toml defines it `false`, so the minifier drops this from every other bundle (the deploy
 * dry-run in CI checks that its header name is absent). In a benchmark build the request header
 * `Masthead-Bench: edge` skips the isolate tier (to time the location's cache alone) and
 * `Masthead-Bench: render` skips both tiers and stores nothing (to time a render from D1).
 */
declare const MASTHEAD_BENCH: boolean | undefined;
type BenchSkip = 'edge' | 'render' | null;
function benchSkip(request: Request): BenchSkip {
  if (typeof MASTHEAD_BENCH === 'undefined' || !MASTHEAD_BENCH) return null;
  const value = request.headers.get('Masthead-Bench');
  return value === 'edge' || value === 'render' ? value : null;
}

/** The full key: the deployment and settings (app.cacheScope), the content version, the request. */
const versioned = (app: App, version: KnownVersion, key: string) => `${app.cacheScope}:${version.epoch}:${version.generation}:${key}`;

export interface CacheOptions {
  /**
   * Whether the output may be kept in the location's cache, beside the isolate. Outputs that any
   * reader can vary without end (searches) stay in the isolate, so they cannot push out the rest.
   */
  shared: boolean;
}

/**
 * Serves a reader output from the cache, rendering (from D1) only on a miss. `identity` holds the
 * parsed values that select the output; with the route, it is the cache key. `render` is handed
 * an App whose D1 session reads at least as fresh as the version being served.
 */
export async function serveCached(
  request: IRequest,
  app: App,
  identity: Record<string, unknown>,
  render: (app: App) => Promise<Representation>,
  options: CacheOptions = { shared: true },
): Promise<Response> {
  const { version, confirmed } = await versionToServe(app);
  const key = versioned(app, version, await cacheKey(request.route, identity));
  // Unconfirmed (D1 unreachable past the bound): what is cached for that version is stale-if-error.
  const label = (tier: string) => (confirmed ? tier : 'stale-if-error');
  const skip = benchSkip(request);
  const local = skip === null ? recall(app.isolate, key) : undefined;
  if (local !== undefined) return respond(request, local, label('hit-isolate'));
  const stored = options.shared && skip !== 'render' ? await readEdgeOutput(app.edge, app.site.url, key).catch(() => null) : null;
  if (stored !== null) {
    const entry = entryOf(stored);
    if (skip === null) remember(app.isolate, key, entry);
    return respond(request, entry, label('hit-edge'));
  }
  let representation: Representation;
  try {
    representation = await render(app.at(version.bookmark ?? 'first-primary'));
  } catch (error) {
    if (error instanceof StorageUnavailable) console.warn(`d1 unavailable: nothing cached for ${key}`);
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
  const entry = entryOf(output);
  if (skip === 'render') return respond(request, entry, 'miss');
  if (skip === null) remember(app.isolate, key, entry);
  if (options.shared && representation.shared !== false) {
    app.defer(
      storeEdgeOutput(app.edge, app.site.url, key, output).catch((error: unknown) =>
        console.warn('cache: could not store an output', error),
      ),
    );
  }
  return respond(request, entry, 'miss');
}

/** How many bytes of outputs this isolate holds (tests). */
export function isolateCacheBytes(): number {
  return THIS_ISOLATE.bytes;
}

/** Forgets this isolate's outputs and version (tests: another isolate in the same location). */
export function forgetIsolateCache(): void {
  resetIsolateState(THIS_ISOLATE);
}
