// The editor's commands (`npm run push`, `npm run import-email`) talk to a Masthead over its API:
// where it is and the token come from MASTHEAD_URL and MASTHEAD_TOKEN, or a .mastheadrc file (in
// the folder the command was run from, or the home folder) holding {"url": ..., "token": ...}.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The site and the token, or the reason they cannot be had. */
export async function apiSettings(here: string): Promise<{ url: string; token: string } | { error: string; usage: boolean }> {
  let url = process.env.MASTHEAD_URL;
  let token = process.env.MASTHEAD_TOKEN;
  for (const file of [join(here, '.mastheadrc'), join(homedir(), '.mastheadrc')]) {
    if (url !== undefined && token !== undefined) break;
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) continue;
    try {
      const rc = JSON.parse(text) as { url?: string; token?: string };
      url ??= rc.url;
      token ??= rc.token;
    } catch {
      return { error: `${file} is not JSON such as {"url": "https://news.example", "token": "mh_..."}.`, usage: false };
    }
  }
  if (url === undefined || token === undefined)
    return { error: 'MASTHEAD_URL and MASTHEAD_TOKEN are not set, and no .mastheadrc gives them.', usage: true };
  if (!URL.canParse(url)) return { error: `MASTHEAD_URL ${url} is not a URL.`, usage: true };
  return { url: url.replace(/\/+$/, ''), token };
}

/** One API call; a refusal throws with the problem's own words (its detail and each field error). */
export function apiClient(site: string, token: string) {
  return async function api(path: string, init: RequestInit = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${site}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
    } catch (error) {
      throw new Error(`${site} cannot be reached: ${(error as Error).cause ?? (error as Error).message}`);
    }
    if (response.ok || response.status === 304) return response;
    const text = await response.text();
    let detail = text.slice(0, 300);
    try {
      const problem = JSON.parse(text) as { title?: string; detail?: string; errors?: { path: string; message: string }[] };
      detail = [problem.detail ?? problem.title, ...(problem.errors ?? []).map((e) => `${e.path || '(body)'} ${e.message}`)].join('; ');
    } catch {}
    throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${detail}`);
  };
}
