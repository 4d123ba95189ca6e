// The editor's commands (`npm run push`, `npm run import-email`) talk to a Masthead over its API.
// Which site, and which token, is decided here, so that a token only ever goes to the site it was
// given for (README, "Which site and which token"):
//
// - the site is MASTHEAD_URL, else the `url` of a .mastheadrc in the folder the command was run
//   from, else the `url` of ~/.mastheadrc;
// - the token is the one kept for that site's origin: MASTHEAD_TOKEN only beside MASTHEAD_URL (a
//   token from the environment never meets a URL from a file), else the token the same file gives
//   with its `url`, else the one ~/.mastheadrc keeps for that origin under `sites`.
//
// So a .mastheadrc planted in a folder can name a site but never obtain a token for it from
// elsewhere, and a token is not sent over a redirect either (a redirect is reported, not followed).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One .mastheadrc: a site (`url`, with or without its `token`), and tokens kept per origin. */
interface RcFile {
  file: string;
  url?: string;
  token?: string;
  sites: Map<string, string>;
}

export type ApiSettings = { url: string; token: string; from: string } | { error: string; usage: boolean };

const EXAMPLE = '{"url": "https://news.example", "sites": {"https://news.example": {"token": "mh_..."}}}';

/** The origin a URL belongs to (scheme, host, port as the URL parser writes them), or null. */
function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : null;
}

async function readRc(file: string): Promise<RcFile | { error: string } | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: `${file} is not JSON such as ${EXAMPLE}.` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { error: `${file} is not a JSON object such as ${EXAMPLE}.` };
  const { url, token, sites } = json as { url?: unknown; token?: unknown; sites?: unknown };
  if (url !== undefined && typeof url !== 'string') return { error: `${file}: "url" must be a string.` };
  if (token !== undefined && typeof token !== 'string') return { error: `${file}: "token" must be a string.` };
  if (token !== undefined && url === undefined) return { error: `${file} holds a "token" without the "url" it is for.` };
  const kept = new Map<string, string>();
  if (sites !== undefined) {
    if (typeof sites !== 'object' || sites === null || Array.isArray(sites)) return { error: `${file}: "sites" must be an object.` };
    for (const [site, entry] of Object.entries(sites)) {
      const origin = originOf(site);
      const value = typeof entry === 'string' ? entry : (entry as { token?: unknown } | null)?.token;
      if (origin === null || typeof value !== 'string')
        return { error: `${file}: "sites" entry ${JSON.stringify(site)} must be an http(s) origin with a "token".` };
      kept.set(origin, value);
    }
  }
  // The older form, {"url", "token"}: that token is kept for that URL's origin.
  const origin = url === undefined ? null : originOf(url);
  if (token !== undefined && origin !== null && !kept.has(origin)) kept.set(origin, token);
  return { file, url, token, sites: kept };
}

/**
 * The site and its token, or the reason they cannot be had. `here` is where the editor ran the
 * command; `home` is the home folder (a parameter for the tests).
 */
export async function apiSettings(here: string, home = homedir(), environment = process.env): Promise<ApiSettings> {
  const folderRc = await readRc(join(here, '.mastheadrc'));
  const homeRc = join(here, '.mastheadrc') === join(home, '.mastheadrc') ? null : await readRc(join(home, '.mastheadrc'));
  for (const rc of [folderRc, homeRc]) if (rc !== null && 'error' in rc) return { error: rc.error, usage: false };
  const folder = folderRc as RcFile | null;
  const personal = homeRc as RcFile | null;

  const envUrl = environment.MASTHEAD_URL || undefined;
  const envToken = environment.MASTHEAD_TOKEN || undefined;
  if (envToken !== undefined && envUrl === undefined) {
    return {
      error:
        'MASTHEAD_TOKEN is set without MASTHEAD_URL. A token from the environment is sent only to the site named beside it: set MASTHEAD_URL too.',
      usage: true,
    };
  }
  const chosen =
    envUrl !== undefined
      ? { url: envUrl, from: 'MASTHEAD_URL', token: envToken }
      : folder?.url !== undefined
        ? { url: folder.url, from: folder.file, token: folder.token }
        : personal?.url !== undefined
          ? { url: personal.url, from: personal.file, token: personal.token }
          : null;
  if (chosen === null) {
    return { error: 'No site is named: set MASTHEAD_URL and MASTHEAD_TOKEN, or write a .mastheadrc (see the README).', usage: true };
  }
  const origin = originOf(chosen.url);
  if (origin === null) return { error: `${chosen.from} names ${chosen.url}, which is not an http(s) URL.`, usage: true };
  const token = chosen.token ?? personal?.sites.get(origin);
  if (token === undefined) {
    return {
      error: `No token is kept for ${origin} (named by ${chosen.from}). A token is sent only to the site it was given for: set MASTHEAD_TOKEN beside MASTHEAD_URL, or keep it in ~/.mastheadrc under "sites": {"${origin}": {"token": "mh_..."}}.`,
      usage: true,
    };
  }
  return { url: chosen.url.replace(/\/+$/, ''), token, from: chosen.from };
}

/** One API call; a refusal throws with the problem's own words (its detail and each field error). */
export function apiClient(site: string, token: string) {
  return async function api(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      // A redirect is not followed: the token was given for this address, not for wherever it points.
      response = await fetch(`${site}${path}`, {
        ...init,
        redirect: 'manual',
        headers: { Authorization: `Bearer ${token}`, ...init.headers },
      });
    } catch (error) {
      throw new Error(`${site} cannot be reached: ${(error as Error).cause ?? (error as Error).message}`);
    }
    if (response.ok || response.status === 304) return response;
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new Error(
        `${init.method ?? 'GET'} ${path} answered ${response.status}, a redirect to ${response.headers.get('Location') ?? '(nowhere)'}: the token is not sent on; if the site moved, name its new address as the URL.`,
      );
    }
    const text = await response.text();
    let detail = text.slice(0, 300);
    try {
      const problem = JSON.parse(text) as { title?: string; detail?: string; errors?: { path: string; message: string }[] };
      detail = [problem.detail ?? problem.title, ...(problem.errors ?? []).map((e) => `${e.path || '(body)'} ${e.message}`)].join('; ');
    } catch {}
    throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${detail}`);
  };
}
