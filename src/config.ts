import { isLoopbackHost } from './domain/outbound';
import { isFrameAncestor } from './domain/partner';
import type { Site } from './domain/site';
import type { DeliveryMessage } from './domain/webhook';
import { type IsolateState, THIS_ISOLATE } from './services/isolate-state';
import { type Db, guarded } from './storage/db';

type SiteVars = Pick<
  Env,
  'SITE_NAME' | 'SITE_URL' | 'SITE_LANGUAGE' | 'SITE_TIME_ZONE' | 'FEED_ID_BASE' | 'WEBSUB_HUB' | 'PARTNER_ORIGINS' | 'IMAGE_TRANSFORMS'
>;

export function siteFrom(env: SiteVars): Site {
  return {
    name: env.SITE_NAME,
    url: env.SITE_URL.replace(/\/+$/, ''),
    language: env.SITE_LANGUAGE,
    timeZone: env.SITE_TIME_ZONE,
    feedIdBase: env.FEED_ID_BASE,
    hub: env.WEBSUB_HUB.trim() === '' ? null : env.WEBSUB_HUB.trim(),
    partners: parseOrigins(env.PARTNER_ORIGINS),
    // Read as off where a deployment's vars leave it out (wrangler does not inherit vars into [env.*]).
    imageTransforms: (env.IMAGE_TRANSFORMS ?? '').trim().toLowerCase() === 'on',
  };
}

/**
 * Space- or comma-separated origins; anything that is not exactly an http(s) origin that CSP can
 * name (domain/partner.ts, isFrameAncestor) is dropped.
 */
function parseOrigins(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .filter((entry) => URL.canParse(entry) && new URL(entry).origin === entry.replace(/\/$/, '') && isFrameAncestor(new URL(entry).origin))
    .map((entry) => new URL(entry).origin);
}

/** What every service is handed: storage bindings, site settings, the clock, and background work. */
export interface RequestContext {
  /** A D1 Sessions API session, guarded so that an unavailable D1 surfaces as StorageUnavailable. */
  db: Db;
  /** The session's bookmark after this request's queries: editors send it back to read their writes. */
  bookmark: () => string | null;
  /** Opens another D1 session: from the primary, or at least as fresh as a bookmark. */
  session: (start: SessionStart) => { db: Db; bookmark: () => string | null };
  /** This context with its D1 session started at `start` instead (renders at a content version). */
  at: (start: SessionStart) => RequestContext;
  cache: KVNamespace;
  /** The static files in public/ (Workers Static Assets), which the Worker serves itself. */
  assets: Fetcher;
  /** The Cache API of the location serving the request: rendered outputs. */
  edge: Cache;
  /**
   * What rendered outputs depend on besides content: the deployed version and a hash of the site
   * settings. It leads every cache key, so a deploy or a settings change starts from a clean cache.
   */
  cacheScope: string;
  /** What this isolate remembers between requests (the content version it serves, its outputs). */
  isolate: IsolateState;
  site: Site;
  feedbackLimiter: RateLimit;
  /** Counts failed editor authentications per client. */
  authLimiter: RateLimit;
  /**
   * The secret behind the rotating salt of feedback client hashes, or null when none is set: then
   * feedback is refused (there is no stand-in; local runs pass a dev-only one explicitly).
   */
  hashSecret: string | null;
  now: () => Date;
  /** Uploaded media (R2), under their SHA-256 (src/services/media.ts). */
  media: R2Bucket;
  /** One Durable Object per partner key, counting its widgets' usage (src/objects/usage-counter.ts). */
  usage: Env['USAGE'];
  /** Runs work after the response has gone (ctx.waitUntil); the work must not throw. */
  defer: (work: Promise<unknown>) => void;
  /** Webhook deliveries to send (Cloudflare Queues; src/services/webhooks.ts consumes them). */
  webhooks: Queue<DeliveryMessage>;
  /**
   * Whether the Worker's own requests (webhook deliveries, an import's images and links) may go to
   * this machine: OUTBOUND_ALLOW_LOCAL=on, as `npm run dev` sets, and only while the site itself is
   * on this machine (SITE_URL a loopback address). Deployed, the setting has no effect.
   */
  outboundAllowLocal: boolean;
}

/** Where a request's D1 session starts: at the editor's bookmark, the primary for editors, anywhere for readers. */
export type SessionStart = string | 'first-primary' | 'first-unconstrained';

/** A 53-bit hash (cyrb53) of a string: a change detector for settings, not a secret. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Site settings parsed once per isolate (vars do not change while it lives), not per request. */
let parsed: { env: Env; site: Site; scope: string } | undefined;
function settingsOf(env: Env): { site: Site; scope: string } {
  if (parsed?.env !== env) {
    const site = siteFrom(env);
    // `wrangler dev` draws a new version id at each start (a restart starts a clean cache, as a
    // deploy does); where there is none (Miniflare's API, tests) the scope says "local".
    const version = env.CF_VERSION_METADATA?.id ?? 'local';
    parsed = { env, site, scope: `${version}:${hash53(JSON.stringify(site))}` };
  }
  return parsed;
}

/**
 * FEEDBACK_HASH_SECRET, or null where it is missing or blank: a required secret can still be absent
 * (deleted after a deploy, or a local run that did not supply one).
 */
function hashSecretOf(env: Env): string | null {
  const secret: string | undefined = env.FEEDBACK_HASH_SECRET;
  return secret?.trim() ? secret : null;
}

/**
 * The context of one request (or of a cron run or a script): `edge` is the location's cache, which only
 * Workers have as a global; scripts in Node pass the one their platform proxy gives them.
 */
export function contextFrom(
  env: Env,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
  start: SessionStart = 'first-unconstrained',
  edge: Cache = caches.default,
): RequestContext {
  const { site, scope } = settingsOf(env);
  const open = (from: SessionStart) => {
    const session = env.DB.withSession(from);
    return { db: guarded(session), bookmark: () => session.getBookmark() };
  };
  const base = {
    session: open,
    cache: env.CACHE,
    assets: env.ASSETS,
    edge,
    cacheScope: scope,
    isolate: THIS_ISOLATE,
    site,
    feedbackLimiter: env.FEEDBACK_LIMITER,
    authLimiter: env.AUTH_LIMITER,
    hashSecret: hashSecretOf(env),
    usage: env.USAGE,
    media: env.MEDIA,
    now: () => new Date(),
    defer: (work: Promise<unknown>) => ctx.waitUntil(work),
    webhooks: env.WEBHOOKS as Queue<DeliveryMessage>,
    outboundAllowLocal: (env.OUTBOUND_ALLOW_LOCAL ?? '').trim().toLowerCase() === 'on' && isLoopbackHost(new URL(site.url).hostname),
  };
  const make = (from: SessionStart): RequestContext => ({ ...base, ...open(from), at: make });
  return make(start);
}
