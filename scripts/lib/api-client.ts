// The editor's commands (`npm run push`, `npm run import-email`) talk to a Masthead over its API.
// Which site, and which token, is decided here, so that a token only ever goes to the site it was
// given for (README, "Which site and which token"):
//
// - the site is MASTHEAD_URL, else the `url` of a .mastheadrc in the folder the command was run
//   from, else the `url` of ~/.mastheadrc; a site is its origin and path, nothing more (no query,
//   fragment or credentials, which could aim requests at another endpoint of the same site);
// - the token is MASTHEAD_TOKEN when MASTHEAD_URL names the site (a token from the environment
//   never meets a URL from a file), else the one ~/.mastheadrc keeps for exactly that site.
//
// A folder's .mastheadrc (which may come with someone else's files) can only choose among the
// sites the editor keeps tokens for: it holds no token of its own, so it can neither obtain the
// editor's token for another address nor send the editor's files to a site of its choosing. A
// redirect is reported, not followed, so the token never travels on either.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One .mastheadrc: a site (`url`), and, in the home folder, tokens kept per site. */
interface RcFile {
  file: string;
  url?: string;
  sites: Map<string, string>;
}

export type ApiSettings = { url: string; token: string; from: string } | { error: string; usage: boolean };

const EXAMPLE = '{"url": "https://news.example", "sites": {"https://news.example": {"token": "mh_..."}}}';

/**
 * A site as tokens are kept for it: its origin and path (no trailing slash), or the reason it is
 * not one. A query, a fragment or credentials are refused: `${site}${path}` must stay on the site.
 */
export function siteOf(value: string): { site: string } | { error: string } {
  if (!URL.canParse(value)) return { error: `${value} is not a URL` };
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `${value} is not an http(s) URL` };
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    return { error: `${value} must name the site alone, without credentials, a query or a fragment` };
  }
  return { site: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

async function readRc(file: string, personal: boolean): Promise<RcFile | { error: string } | null> {
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
  if (!personal && (token !== undefined || sites !== undefined)) {
    return {
      error: `${file} holds a token: a folder's .mastheadrc names its site only ({"url": ...}); keep tokens in ~/.mastheadrc under "sites", so that files from elsewhere can never pair a site with one.`,
    };
  }
  if (token !== undefined && typeof token !== 'string') return { error: `${file}: "token" must be a string.` };
  if (token !== undefined && url === undefined) return { error: `${file} holds a "token" without the "url" it is for.` };
  const kept = new Map<string, string>();
  if (sites !== undefined) {
    if (typeof sites !== 'object' || sites === null || Array.isArray(sites)) return { error: `${file}: "sites" must be an object.` };
    for (const [name, entry] of Object.entries(sites)) {
      const checked = siteOf(name);
      const value = typeof entry === 'string' ? entry : (entry as { token?: unknown } | null)?.token;
      if ('error' in checked || typeof value !== 'string') {
        return { error: `${file}: "sites" entry ${JSON.stringify(name)} must be a site's URL with a "token".` };
      }
      kept.set(checked.site, value);
    }
  }
  // The older form, {"url", "token"}: that token is kept for that site.
  if (typeof token === 'string' && typeof url === 'string') {
    const checked = siteOf(url);
    if ('error' in checked) return { error: `${file}: "url" ${checked.error}.` };
    if (!kept.has(checked.site)) kept.set(checked.site, token);
  }
  return { file, url, sites: kept };
}

/**
 * The site and its token, or the reason they cannot be had. `here` is where the editor ran the
 * command; `home` is the home folder (a parameter for the tests).
 */
export async function apiSettings(here: string, home = homedir(), environment = process.env): Promise<ApiSettings> {
  const sameFolder = join(here, '.mastheadrc') === join(home, '.mastheadrc');
  const folderRc = sameFolder ? null : await readRc(join(here, '.mastheadrc'), false);
  const homeRc = await readRc(join(home, '.mastheadrc'), true);
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
        ? { url: folder.url, from: folder.file, token: undefined }
        : personal?.url !== undefined
          ? { url: personal.url, from: personal.file, token: undefined }
          : null;
  if (chosen === null) {
    return { error: 'No site is named: set MASTHEAD_URL and MASTHEAD_TOKEN, or write a .mastheadrc (see the README).', usage: true };
  }
  const checked = siteOf(chosen.url);
  if ('error' in checked) return { error: `${chosen.from}: ${checked.error}.`, usage: true };
  const token = chosen.token ?? personal?.sites.get(checked.site);
  if (token === undefined) {
    return {
      error: `No token is kept for ${checked.site} (named by ${chosen.from}). A token is sent only to the site it was given for: set MASTHEAD_TOKEN beside MASTHEAD_URL, or keep it in ~/.mastheadrc under "sites": {"${checked.site}": {"token": "mh_..."}}.`,
      usage: true,
    };
  }
  return { url: checked.site, token, from: chosen.from };
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
