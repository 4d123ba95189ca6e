import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../src/domain/status';
import { openApiPath } from '../../src/render/openapi/document';
import type { Operation } from '../../src/render/openapi/operation';
import { ROUTES } from '../../src/router';
import { revokeToken } from '../../src/storage/tokens';
import { makeIssue } from '../fixtures/issues';
import { callModule, mintToken } from '../helpers';
import { throwingD1 } from '../support/d1-doubles';

/**
 * Every editor endpoint against no token, a malformed one, a revoked one, one of too low a role
 * and one of the right role. Calls go straight to the Worker module so that its console output
 * can be read: no token may ever appear in a log or in a response after it was created.
 */
const logged: string[] = [];
const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
  vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
    logged.push(
      args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
    );
  }),
);
afterAll(() => {
  for (const spy of spies) spy.mockRestore();
  console.info(
    `auth matrix: ${responses.length} requests over ${EDITOR_OPERATIONS.length} editor operations, ${logged.length} log lines checked`,
  );
});

const tokens = {} as Record<Role | 'revoked', string>;
const responses: string[] = [];
let issueId = '';
let ip = 0;

async function send(method: string, path: string, authorization: string | null, body?: string, type?: string) {
  const headers: Record<string, string> = { 'CF-Connecting-IP': `172.16.${(++ip >> 8) & 255}.${ip & 255}` };
  if (authorization !== null) headers.Authorization = authorization;
  if (body !== undefined) headers['Content-Type'] = type ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
  if (['PUT', 'PATCH', 'DELETE'].includes(method)) headers['If-Match'] = '"v1"';
  const response = await callModule(path, { method, headers, body });
  const text = await response.text();
  responses.push([...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n') + text);
  return response.status;
}

beforeAll(async () => {
  for (const role of ['contributor', 'editor', 'admin'] as const) tokens[role] = await mintToken(role);
  tokens.revoked = await mintToken('admin');
  await revokeToken(env.DB, tokens.revoked.split('_')[1]!, '2026-01-01T00:00:00.000Z');
});

const ROLE_ORDER: Role[] = ['contributor', 'editor', 'admin'];
const EDITOR_OPERATIONS = ROUTES.filter((r) => r.doc.role !== undefined).map((r) => [`${r.method} ${openApiPath(r.path)}`, r.doc] as const);

/**
 * A fresh target for one operation: the contributor's own new draft (contributors may work only on
 * the issues they created), published first by an admin where the operation needs that, so the
 * permitted role's call can succeed and must.
 */
async function target(key: string): Promise<{ method: string; path: string; body?: string; type?: string }> {
  const admin = { Authorization: `Bearer ${tokens.admin}`, 'Content-Type': 'application/json' };
  if (key.includes('/partners')) return partnerTarget(key, admin);
  if (key.includes('/media')) return mediaTarget(key);
  if (key.includes('/webhooks')) return webhookTarget(key, admin);
  if (key.includes('/imports'))
    return { method: 'POST', path: '/api/v1/admin/imports', body: '<h1>Matrix import</h1><p>A sent newsletter.</p>', type: 'text/html' };
  const created = await callModule('/api/v1/admin/issues', {
    method: 'POST',
    body: JSON.stringify(makeIssue()),
    headers: { ...admin, Authorization: `Bearer ${tokens.contributor}` },
  });
  issueId = ((await created.json()) as { id: string }).id;
  if (key.endsWith('/unpublish')) await callModule(`/api/v1/admin/issues/${issueId}/publish`, { method: 'POST', headers: admin });
  const [method = 'GET', template = '/'] = key.split(' ');
  const path = template.replace('{id}', issueId).replace('{n}', '1');
  const body =
    method === 'POST' && template === '/api/v1/admin/issues'
      ? JSON.stringify(makeIssue())
      : method === 'PUT'
        ? JSON.stringify({ title: 't', body: 'b' })
        : method === 'PATCH'
          ? '{"subtitle":"x"}'
          : undefined;
  return { method, path, ...(body === undefined ? {} : { body }) };
}

/**
 * A fresh file for one media operation: uploaded once by an admin first, so an upload of it
 * answers its documented 200 (the same bytes again), and a delete finds it unused.
 */
async function mediaTarget(key: string): Promise<{ method: string; path: string; body?: string; type?: string }> {
  const file = `%PDF-1.4\n${crypto.randomUUID()}\n%%EOF\n`;
  const uploaded = await callModule('/api/v1/admin/media', {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokens.admin}` },
    body: file,
  });
  const { sha256 } = (await uploaded.json()) as { sha256: string };
  const [method = 'GET', template = '/'] = key.split(' ');
  if (template.endsWith('/takedown')) {
    return { method, path: template.replace('{sha256}', sha256), body: JSON.stringify({ reason: 'matrix' }), type: 'application/json' };
  }
  return { method, path: template.replace('{sha256}', sha256), ...(method === 'POST' ? { body: file } : {}) };
}

/** A fresh partner for one partner operation, created by an admin. */
async function partnerTarget(key: string, admin: Record<string, string>): Promise<{ method: string; path: string; body?: string }> {
  const created = await callModule('/api/v1/admin/partners', {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ name: 'Matrix partner', origins: ['https://matrix.example'] }),
  });
  const { id } = (await created.json()) as { id: string };
  const [method = 'GET', template = '/'] = key.split(' ');
  const path = template.replace('{id}', id);
  const body = method === 'POST' ? JSON.stringify({ name: 'Another', origins: [] }) : method === 'PATCH' ? '{"notes":"x"}' : undefined;
  return { method, path, ...(body === undefined ? {} : { body }) };
}

/**
 * A fresh webhook endpoint for one webhook operation, created by an admin, with one delivered
 * delivery to replay. It is disabled, so that nothing is sent to its (unreachable) URL.
 */
async function webhookTarget(key: string, admin: Record<string, string>): Promise<{ method: string; path: string; body?: string }> {
  const created = await callModule('/api/v1/admin/webhooks', {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ url: 'https://hooks.example/matrix', events: ['feedback.created'] }),
  });
  const { id } = (await created.json()) as { id: string };
  const event = `msg_${crypto.randomUUID().replaceAll('-', '')}`;
  const delivery = `dlv_${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
  await env.DB.batch([
    env.DB.prepare("UPDATE webhooks SET disabled_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").bind(id),
    env.DB.prepare(
      "INSERT INTO webhook_events (id, type, payload, created_at) VALUES (?, 'feedback.created', '{}', '2026-01-01T00:00:00.000Z')",
    ).bind(event),
    env.DB.prepare(
      "INSERT INTO webhook_deliveries (id, webhook_id, event_id, status, created_at) VALUES (?, ?, ?, 'delivered', '2026-01-01T00:00:00.000Z')",
    ).bind(delivery, id, event),
  ]);
  const [method = 'GET', template = '/'] = key.split(' ');
  const path = template.replace('{id}', id).replace('{delivery}', delivery);
  // A recovery needs the endpoint enabled, and a period within the retention.
  if (template.endsWith('/recover')) {
    await env.DB.prepare('UPDATE webhooks SET disabled_at = NULL WHERE id = ?').bind(id).run();
    const to = new Date().toISOString();
    return { method, path, body: JSON.stringify({ from: new Date(Date.now() - 60_000).toISOString(), to }) };
  }
  const body =
    method === 'POST' && template === '/api/v1/admin/webhooks'
      ? JSON.stringify({ url: 'https://hooks.example/another', events: ['feedback.created'] })
      : method === 'PATCH'
        ? '{"description":"x"}'
        : undefined;
  return { method, path, ...(body === undefined ? {} : { body }) };
}

/** The status an operation answers when it succeeds: its lowest documented 2xx. */
const successOf = (op: Operation) =>
  Math.min(
    ...Object.keys(op.responses)
      .map(Number)
      .filter((status) => status >= 200 && status < 300),
  );

describe('the auth matrix', () => {
  it.each(EDITOR_OPERATIONS.map(([key, op]) => [key, op.role!, successOf(op)] as const))(
    '%s (needs %s, answers %s)',
    async (key, role, success) => {
      const { method, path, body, type } = await target(key);
      expect(await send(method, path, null, body, type)).toBe(401);
      for (const malformed of [
        'Bearer',
        'Basic YWxpY2U6c2VjcmV0',
        `Bearer ${tokens.admin} extra`,
        'Bearer mh_short_x',
        `bearer\t${tokens.admin}`,
      ]) {
        expect(await send(method, path, malformed, body, type)).toBe(401);
      }
      expect(await send(method, path, `Bearer ${tokens.revoked}`, body, type)).toBe(401);
      for (const lower of ROLE_ORDER.slice(0, ROLE_ORDER.indexOf(role))) {
        expect(await send(method, path, `Bearer ${tokens[lower]}`, body, type)).toBe(403);
      }
      expect(await send(method, path, `Bearer ${tokens[role]}`, body, type)).toBe(success);
    },
  );

  it('rate limits repeated bad tokens from one client with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await callModule('/api/v1/admin/issues', {
        headers: { Authorization: `Bearer mh_${'x'.repeat(16)}_${'y'.repeat(43)}`, 'CF-Connecting-IP': '198.18.0.1' },
      });
      statuses.push(response.status);
      if (response.status === 429) expect(response.headers.get('Retry-After')).toBe('60');
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('never shows a token in a log line or a response', async () => {
    // A failing database makes the Worker log an error for a request that carries a good token.
    const request = { headers: { Authorization: `Bearer ${tokens.admin}`, 'CF-Connecting-IP': '198.18.0.2' } };
    const failed = await callModule('/api/v1/admin/issues', request, { DB: throwingD1() });
    responses.push(await failed.text());
    expect(failed.status).toBe(503);
    expect(logged.length).toBeGreaterThan(0);
    expect(responses.length).toBeGreaterThan(0);
    for (const token of Object.values(tokens)) {
      // After "mh_<16-char id>_": the secret itself may contain "_".
      const secret = token.slice('mh_'.length + 16 + 1);
      expect(secret).toHaveLength(43);
      expect(logged.filter((line) => line.includes(secret))).toEqual([]);
      expect(responses.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
