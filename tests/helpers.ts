import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';
import type { Role } from '../src/domain/status';
import { generateToken, hashToken } from '../src/domain/token';
import worker from '../src/index';
import { insertToken } from '../src/storage/tokens';

export const ORIGIN = 'http://127.0.0.1:8787';

let clients = 0;

/**
 * Calls the Worker inside workerd, as a client on the network would. Each call comes from its own
 * address unless `CF-Connecting-IP` says otherwise, so only tests about rate limits meet them.
 */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('CF-Connecting-IP'))
    headers.set('CF-Connecting-IP', `10.${(++clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`);
  return exports.default.fetch(new Request(new URL(path, ORIGIN), { ...init, headers }));
}

/**
 * Calls the Worker module itself, in the test's isolate, with some bindings replaced: for fault
 * injection, and to share its isolate cache and console with the test. Waits for its background work.
 */
export async function callModule(path: string, init: RequestInit = {}, bindings: Partial<Env> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(new URL(path, ORIGIN), init) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Mints a token straight into this test file's D1, as `npm run token -- create` does. */
export async function mintToken(role: Role, name = `${role}-${crypto.randomUUID().slice(0, 8)}`): Promise<string> {
  const { id, token } = generateToken();
  await insertToken(env.DB, { id, name, role, hash: await hashToken(token), created_at: '2026-01-01T00:00:00.000Z', revoked_at: null });
  return token;
}

/** An editor's client: JSON in, bearer token on every request. */
export function editorClient(token: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    }
    return call(path, { ...init, headers, body });
  };
}

/**
 * Every row of every table (found in the schema, so a table added later is not forgotten) and of
 * the search index, for asserting that a request changed nothing.
 */
export async function databaseContents(): Promise<string> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'issue\\_search\\_%' ESCAPE '\\' AND name <> 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  // The counts are kept by writes: a test that forgets one would not notice a change to it.
  for (const expected of ['feedback', 'site_state', 'tag_counts', 'issues', 'revisions']) {
    if (!tables.some((t) => t.name === expected)) throw new Error(`databaseContents: table ${expected} not found`);
  }
  const parts: unknown[] = [];
  for (const { name } of tables) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${name} ORDER BY 1, 2`).all();
    parts.push(name, results);
  }
  const { results } = await env.DB.prepare('SELECT rowid, title, summary, body FROM issue_search ORDER BY rowid').all();
  parts.push('issue_search', results);
  return JSON.stringify(parts);
}

/** Asserts a problem+json answer of `status`, and returns its body. */
export async function expectProblem(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8');
  const body = (await response.json()) as {
    type: string;
    title: string;
    status: number;
    detail?: string;
    errors?: { path: string; message: string }[];
  };
  expect(body.status).toBe(status);
  expect(body.type).toMatch(/^http:\/\/127\.0\.0\.1:8787\/problems\/[a-z-]+$/);
  expect(typeof body.title).toBe('string');
  return body;
}

/** Asserts the headers SECURITY.md promises on every response: HSTS, nosniff, a referrer policy, a CSP. */
export function expectSecurityHeaders(response: Response) {
  expect(response.headers.get('Strict-Transport-Security')).toBe('max-age=63072000; includeSubDomains');
  expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  expect(response.headers.get('Referrer-Policy')).toBe('strict-origin-when-cross-origin');
  expect(response.headers.get('Content-Security-Policy')).toMatch(/frame-ancestors/);
}
