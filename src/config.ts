import { guarded, type Db } from './storage/db';

/** Site settings, read once from `wrangler.toml` vars. */
export interface Site {
  name: string;
  /** The public base URL without a trailing slash: `https://news.example.com`. */
  url: string;
  language: string;
  timeZone: string;
  /** The tag: URI prefix of feed and entry ids; independent of `url` so ids survive a move. */
  feedIdBase: string;
  /** The WebSub hub to announce feed updates to, or null. */
  hub: string | null;
  /** Origins that may frame embeds. */
  partners: string[];
}

type SiteVars = Pick<Env, 'SITE_NAME' | 'SITE_URL' | 'SITE_LANGUAGE' | 'SITE_TIME_ZONE' | 'FEED_ID_BASE' | 'WEBSUB_HUB' | 'PARTNER_ORIGINS'>;

export function siteFrom(env: SiteVars): Site {
  return {
    name: env.SITE_NAME,
    url: env.SITE_URL.replace(/\/+$/, ''),
    language: env.SITE_LANGUAGE,
    timeZone: env.SITE_TIME_ZONE,
    feedIdBase: env.FEED_ID_BASE,
    hub: env.WEBSUB_HUB.trim() === '' ? null : env.WEBSUB_HUB.trim(),
    partners: parseOrigins(env.PARTNER_ORIGINS),
  };
}

/** Space- or comma-separated origins; anything that is not exactly an http(s) origin is dropped. */
function parseOrigins(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .filter((entry) => URL.canParse(entry) && /^https?:$/.test(new URL(entry).protocol) && new URL(entry).origin === entry.replace(/\/$/, ''))
    .map((entry) => new URL(entry).origin);
}

/** What every service is handed: storage bindings, site settings, the clock, and background work. */
export interface App {
  /** A D1 Sessions API session, guarded so that an unavailable D1 surfaces as StorageUnavailable. */
  db: Db;
  /** The session's bookmark after this request's queries: editors send it back to read their writes. */
  bookmark: () => string | null;
  cache: KVNamespace;
  /** The static files in public/ (Workers Static Assets), which the Worker serves itself. */
  assets: Fetcher;
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
  /** Runs work after the response has gone (ctx.waitUntil); the work must not throw. */
  defer: (work: Promise<unknown>) => void;
}

/** Where a request's D1 session starts: at the editor's bookmark, the primary for editors, anywhere for readers. */
export type SessionStart = string | 'first-primary' | 'first-unconstrained';

/** Site settings parsed once per isolate (vars do not change while it lives), not per request. */
let parsedSite: { env: Env; site: Site } | undefined;
function siteOf(env: Env): Site {
  if (parsedSite?.env !== env) parsedSite = { env, site: siteFrom(env) };
  return parsedSite.site;
}

/**
 * FEEDBACK_HASH_SECRET, or null where it is missing or blank: a required secret can still be absent
 * (deleted after a deploy, or a local run that did not supply one).
 */
function hashSecretOf(env: Env): string | null {
  const secret: string | undefined = env.FEEDBACK_HASH_SECRET;
  return secret?.trim() ? secret : null;
}

export function appFrom(env: Env, ctx: Pick<ExecutionContext, 'waitUntil'>, start: SessionStart = 'first-unconstrained'): App {
  const session = env.DB.withSession(start);
  return {
    db: guarded(session),
    bookmark: () => session.getBookmark(),
    cache: env.CACHE,
    assets: env.ASSETS,
    site: siteOf(env),
    feedbackLimiter: env.FEEDBACK_LIMITER,
    authLimiter: env.AUTH_LIMITER,
    hashSecret: hashSecretOf(env),
    now: () => new Date(),
    defer: (work) => ctx.waitUntil(work),
  };
}
