import type { IRequest } from 'itty-router';
import type { RequestContext } from '../config';
import type { Representation } from '../domain/representation';
import { cachedResponse } from '../http/cached-response';
import { type CacheOptions, cachedOutput, type SkipTiers } from '../services/render-cache';

/**
 * Benchmark builds only. `npm run bench` builds the Worker with `--define MASTHEAD_BENCH:true`;
 * wrangler.toml defines it `false`, so the minifier drops this from every other bundle (the deploy
 * dry-run in CI checks that its header name is absent). In a benchmark build the request header
 * `Masthead-Bench: edge` skips the isolate tier (to time the location's cache alone) and
 * `Masthead-Bench: render` skips both tiers and stores nothing (to time a render from D1).
 */
declare const MASTHEAD_BENCH: boolean | undefined;
function benchSkip(request: Request): SkipTiers {
  if (typeof MASTHEAD_BENCH === 'undefined' || !MASTHEAD_BENCH) return null;
  const value = request.headers.get('Masthead-Bench');
  return value === 'edge' || value === 'render' ? value : null;
}

/**
 * Answers a reader route from the cache of rendered outputs (src/services/render-cache.ts),
 * rendering only on a miss. `identity` holds the parsed values that select the output; with the
 * route's pattern, it is the cache key.
 */
export async function serveCached(
  request: IRequest,
  context: RequestContext,
  identity: Record<string, unknown>,
  render: (context: RequestContext) => Promise<Representation>,
  options?: CacheOptions,
): Promise<Response> {
  const { output, tier } = await cachedOutput(context, { route: request.route, identity, skip: benchSkip(request) }, render, options);
  return cachedResponse(request, output, tier);
}
