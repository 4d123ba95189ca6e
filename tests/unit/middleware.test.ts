import { describe, expect, it, vi } from 'vitest';
import { StorageUnavailable } from '../../src/domain/errors';
import { MAX_BODY_BYTES } from '../../src/http/body';
import { bodyLimit } from '../../src/http/body-limit';
import { corsHeaders, corsPreflight } from '../../src/http/cors';
import { errorBoundary } from '../../src/http/error-boundary';
import { headAsGet } from '../../src/http/head';
import { compose, type Handler, type Middleware } from '../../src/http/middleware';
import { HttpError } from '../../src/http/problem';
import { securityHeaders } from '../../src/http/security-headers';

const SITE = 'https://news.example';
const ok: Handler = async (request) => new Response(`${request.method} body`, { headers: { 'Content-Type': 'text/plain' } });
const failing =
  (error: unknown): Handler =>
  async () => {
    throw error;
  };
const req = (path: string, init: RequestInit = {}) => new Request(`${SITE}${path}`, init);

describe('compose', () => {
  it('runs the middleware outermost first, each around the rest', async () => {
    const seen: string[] = [];
    const mark =
      (name: string): Middleware =>
      async (request, next) => {
        seen.push(`${name} in`);
        const response = await next(request);
        seen.push(`${name} out`);
        return response;
      };
    await compose([mark('a'), mark('b')], async (request) => (seen.push('handler'), ok(request)))(req('/'));
    expect(seen).toEqual(['a in', 'b in', 'handler', 'b out', 'a out']);
  });
});

describe('headAsGet', () => {
  it('hands the rest a GET and answers its status and headers without the body', async () => {
    const handler = vi.fn(ok);
    const response = await compose([headAsGet], handler)(req('/x', { method: 'HEAD', headers: { 'If-None-Match': '"a"' } }));
    expect(handler.mock.calls[0]![0].method).toBe('GET');
    expect(handler.mock.calls[0]![0].headers.get('If-None-Match')).toBe('"a"');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/plain');
    expect(await response.text()).toBe('');
  });

  it('lets every other method through as it came', async () => {
    const response = await compose([headAsGet], ok)(req('/x', { method: 'POST', body: 'x' }));
    expect(await response.text()).toBe('POST body');
  });
});

describe('cors', () => {
  it('answers a preflight of a public read itself', async () => {
    const handler = vi.fn(ok);
    const response = await compose([corsPreflight], handler)(req('/api/v1/issues', { method: 'OPTIONS' }));
    expect(handler).not.toHaveBeenCalled();
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Methods')).toBe('GET, HEAD');
  });

  it('opens the answers of public reads, errors included, and no others', async () => {
    const read = await compose([corsHeaders, errorBoundary(SITE)], failing(new HttpError(404, { name: 'not-found' })))(req('/feed.xml'));
    expect(read.status).toBe(404);
    expect(read.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const editor = await compose([corsHeaders, corsPreflight], ok)(req('/api/v1/admin/issues', { method: 'OPTIONS' }));
    expect(editor.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(await editor.text()).toBe('OPTIONS body');
  });
});

describe('errorBoundary', () => {
  const answer = (error: unknown, request = req('/api/v1/issues')) => compose([errorBoundary(SITE)], failing(error))(request);

  it('answers an HttpError with its own status, problem type and headers', async () => {
    const response = await answer(new HttpError(429, { name: 'rate-limited', detail: 'wait' }, { 'Retry-After': '60' }));
    expect(response.status).toBe(429);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json; charset=utf-8');
    expect(response.headers.get('Retry-After')).toBe('60');
    expect(await response.json()).toMatchObject({ status: 429, detail: 'wait', instance: '/api/v1/issues' });
  });

  it('answers an unavailable D1 with 503, saying what a retry of that request risks', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const read = await answer(new StorageUnavailable(new Error('down')));
    expect(read.status).toBe(503);
    expect(read.headers.get('Retry-After')).not.toBeNull();
    expect(((await read.json()) as { detail: string }).detail).toMatch(/try again shortly/);
    const write = await answer(new StorageUnavailable(new Error('down')), req('/api/v1/admin/issues', { method: 'POST' }));
    expect(((await write.json()) as { detail: string }).detail).toMatch(/Idempotency-Key/);
    const feedback = await answer(new StorageUnavailable(new Error('down')), req('/api/v1/issues/x/feedback', { method: 'POST' }));
    expect(((await feedback.json()) as { detail: string }).detail).toMatch(/repeats within 10 minutes count once/);
  });

  it('answers anything else with a 500 that leaks nothing of it', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await answer(new Error('secret stack detail'));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('secret');
    expect(logged).toHaveBeenCalled();
  });
});

describe('securityHeaders', () => {
  it('sets them on every answer, and the error policy on errors that set no caching', async () => {
    const error = await compose([securityHeaders], async () => new Response('no', { status: 404 }))(req('/'));
    expect(error.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(error.headers.get('Cache-Control')).toBe('no-store');
    const own = await compose(
      [securityHeaders],
      async () => new Response('no', { status: 404, headers: { 'Cache-Control': 'public, max-age=60' } }),
    )(req('/'));
    expect(own.headers.get('Cache-Control')).toBe('public, max-age=60');
    const fine = await compose([securityHeaders], ok)(req('/'));
    expect(fine.headers.get('Cache-Control')).toBeNull();
  });
});

describe('bodyLimit', () => {
  it('refuses a declared body over the limit before the rest runs', async () => {
    const handler = vi.fn(ok);
    const response = await compose(
      [errorBoundary(SITE), bodyLimit(() => MAX_BODY_BYTES)],
      handler,
    )(req('/api/v1/admin/issues', { method: 'POST', headers: { 'Content-Length': '99999999' }, body: 'x' }));
    expect(response.status).toBe(413);
    expect(handler).not.toHaveBeenCalled();
  });
});
