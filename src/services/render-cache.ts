import type { RequestContext } from '../config';
import { StorageUnavailable } from '../domain/errors';
import { contentEtag } from '../domain/hashing';
import type { Representation } from '../domain/representation';
import { readEdgeOutput, type StoredOutput, storeEdgeOutput } from '../storage/edge-outputs';
import { versionToServe } from './content-version';
import { type CachedOutput, type IsolateState, type KnownVersion, resetIsolateState, THIS_ISOLATE } from './isolate-state';

/**
 * Rendered reader outputs (pages, embeds, feeds, API answers) are cached at two levels, under a
 * key that holds everything that selects one: the deployment and the settings it runs with, the
 * content version (see content-version.ts), the route and its parsed parameters. A change moves
 * the version on; once an isolate has learnt of it (within the freshness bound of
 * content-version.ts) no output of an older version is served again: it is only unreachable.
 * This file keeps the outputs; src/http/cached-response.ts answers with them.
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

/**
 * The cache key of a logical request: the route's pattern (`/issues/:slug`, not the path as
 * spelled) and the parsed values that select the output (path parameters and query, validated
 * and normalized), so no spelling of one request (percent-encoding, case, parameter order, junk
 * parameters) makes a second entry.
 */
async function cacheKey(route: string, identity: Record<string, unknown> = {}): Promise<string> {
  const params = Object.entries(identity)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value))}`);
  const key = params.length === 0 ? route : `${route}?${params.join('&')}`;
  return key.length <= 200 ? key : `sha256:${(await contentEtag(key)).replaceAll('"', '')}`;
}

/**
 * Tiers a benchmark build may skip (see src/routes/cached.ts): `edge` skips the isolate tier, so
 * the location's cache is read alone; `render` skips both and stores nothing.
 */
export type SkipTiers = 'edge' | 'render' | null;

/** Where an output came from: the isolate, the location's cache, a render; or stale-if-error. */
export type CacheTier = 'hit-isolate' | 'hit-edge' | 'miss' | 'stale-if-error';

/** The full key: the deployment and settings (context.cacheScope), the content version, the request. */
const versioned = (context: RequestContext, version: KnownVersion, key: string) =>
  `${context.cacheScope}:${version.epoch}:${version.generation}:${key}`;

export interface CacheOptions {
  /**
   * Whether the output may be kept in the location's cache, beside the isolate. Outputs that any
   * reader can vary without end (searches) stay in the isolate, so they cannot push out the rest.
   */
  shared: boolean;
}

/**
 * A reader output from the cache, rendered (from D1) only on a miss, with the tier it came from.
 * `route` and `identity` (the parsed values that select the output) make the cache key. `render`
 * is handed a RequestContext whose D1 session reads at least as fresh as the version being served.
 */
export async function cachedOutput(
  context: RequestContext,
  request: { route: string; identity: Record<string, unknown>; skip?: SkipTiers },
  render: (context: RequestContext) => Promise<Representation>,
  options: CacheOptions = { shared: true },
): Promise<{ output: CachedOutput; tier: CacheTier }> {
  const { version, confirmed } = await versionToServe(context);
  const key = versioned(context, version, await cacheKey(request.route, request.identity));
  const skip = request.skip ?? null;
  // Unconfirmed (D1 unreachable past the bound): what is cached for that version is stale-if-error.
  const label = (tier: CacheTier): CacheTier => (confirmed ? tier : 'stale-if-error');
  const local = skip === null ? recall(context.isolate, key) : undefined;
  if (local !== undefined) return { output: local, tier: label('hit-isolate') };
  const stored = options.shared && skip !== 'render' ? await readEdgeOutput(context.edge, context.site.url, key).catch(() => null) : null;
  if (stored !== null) {
    const entry = entryOf(stored);
    if (skip === null) remember(context.isolate, key, entry);
    return { output: entry, tier: label('hit-edge') };
  }
  let representation: Representation;
  try {
    representation = await render(context.at(version.bookmark ?? 'first-primary'));
  } catch (error) {
    if (error instanceof StorageUnavailable) console.warn(`d1 unavailable: nothing cached for ${key}`);
    throw error;
  }
  const output: StoredOutput = {
    body: representation.body,
    contentType: representation.contentType,
    etag: await contentEtag(representation.body),
    lastModified: representation.lastModified,
    policy: representation.policy,
    headers: representation.headers ?? {},
  };
  const entry = entryOf(output);
  if (skip === 'render') return { output: entry, tier: 'miss' };
  if (skip === null) remember(context.isolate, key, entry);
  if (options.shared && representation.shared !== false) {
    context.defer(
      storeEdgeOutput(context.edge, context.site.url, key, output).catch((error: unknown) =>
        console.warn('cache: could not store an output', error),
      ),
    );
  }
  return { output: entry, tier: 'miss' };
}

/** How many bytes of outputs this isolate holds (tests). */
export function isolateCacheBytes(): number {
  return THIS_ISOLATE.bytes;
}

/** Forgets this isolate's outputs and version (tests: another isolate in the same location). */
export function forgetIsolateCache(): void {
  resetIsolateState(THIS_ISOLATE);
}
