import { beforeAll, describe, expect, it } from 'vitest';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, expectSecurityHeaders, mintToken } from '../helpers';

let slug = '';
let id = '';
let token = '';

beforeAll(async () => {
  token = await mintToken('admin');
  const editor = editorClient(token);
  const created = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue({ tags: ['hdr'] }) })).json()) as {
    id: string;
    slug: string;
  };
  ({ slug, id } = created);
  await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
});

const auth = () => ({ Authorization: `Bearer ${token}` });

describe('security headers', () => {
  const cases: [string, () => string, () => RequestInit][] = [
    ['GET /', () => '/', () => ({})],
    ['GET an issue page', () => `/issues/${slug}`, () => ({})],
    ['GET an embed', () => `/embed/${slug}`, () => ({})],
    ['GET a feed', () => '/feed.xml', () => ({})],
    ['GET the JSON API', () => '/api/v1/issues', () => ({})],
    ['GET /docs', () => '/docs', () => ({})],
    ['a 404', () => '/nowhere', () => ({})],
    ['a 405', () => '/feed.xml', () => ({ method: 'DELETE' })],
    ['a 401', () => '/api/v1/admin/issues', () => ({})],
    ['an editor read', () => `/api/v1/admin/issues/${id}`, () => ({ headers: auth() })],
    ['a 400', () => '/api/v1/issues?limit=0', () => ({})],
  ];
  it.each(cases)('%s carries HSTS, nosniff, a referrer policy and a CSP', async (_name, path, init) => {
    expectSecurityHeaders(await call(path(), init()));
  });
});

describe('CORS', () => {
  it.each(['/api/v1/issues', '/api/v1/tags', '/feed.xml', '/tags/hdr/feed.json', '/api/v1/openapi.json', '/embed.js'])(
    'allows any origin to read %s',
    async (path) => {
      const response = await call(path, { headers: { Origin: 'https://elsewhere.example' } });
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(response.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    },
  );

  it('answers a preflight for public reads', async () => {
    const response = await call('/api/v1/issues', {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('GET, HEAD');
  });

  it.each([
    ['an editor endpoint', '/api/v1/admin/issues', 'GET'],
    ['a feedback post', `/api/v1/issues/x/feedback`, 'POST'],
    ['an HTML page', '/', 'GET'],
  ])('gives no CORS headers to %s, and refuses its preflight', async (_name, path, method) => {
    const response = await call(path, { method, headers: { Origin: 'https://elsewhere.example', ...auth() } });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const preflight = await call(path, {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': method },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
