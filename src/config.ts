/** Site settings, read once from `wrangler.toml` vars. */
export interface Site {
  name: string;
  /** The public base URL without a trailing slash: `https://news.example.com`. */
  url: string;
  language: string;
  timeZone: string;
}

export function siteFrom(env: Pick<Env, 'SITE_NAME' | 'SITE_URL' | 'SITE_LANGUAGE' | 'SITE_TIME_ZONE'>): Site {
  return {
    name: env.SITE_NAME,
    url: env.SITE_URL.replace(/\/+$/, ''),
    language: env.SITE_LANGUAGE,
    timeZone: env.SITE_TIME_ZONE,
  };
}

/** What every service is handed: storage bindings, site settings and the clock. */
export interface App {
  db: D1Database;
  cache: KVNamespace;
  site: Site;
  now: () => Date;
}

export function appFrom(env: Env): App {
  return { db: env.DB, cache: env.CACHE, site: siteFrom(env), now: () => new Date() };
}
