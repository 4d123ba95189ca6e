import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectSecurityHeaders } from '../helpers';

/**
 * The files in public/ (Workers Static Assets), every one of them, including any added later: each
 * is served whole and carries the security headers that the Worker's own responses carry.
 */
const files = env.TEST_PUBLIC_FILES;

describe('static files', () => {
  it('include the API reference renderer', () => {
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['/docs/init.js', '/docs/vendor/swagger-ui-bundle.js', '/docs/vendor/swagger-ui.css']),
    );
  });

  it.each(files)('serves $path whole, with the security headers', async ({ path, size }) => {
    const response = await call(path);
    expect(response.status).toBe(200);
    expectSecurityHeaders(response);
    expect(response.headers.get('X-Frame-Options')).toBe('DENY');
    expect((await response.arrayBuffer()).byteLength).toBe(size);
  });

  it.each([
    ['/docs/init.js', /^text\/javascript/],
    ['/docs/vendor/swagger-ui.css', /^text\/css/],
  ])('serves %s with its media type, so nosniff lets the browser use it', async (path, type) => {
    const response = await call(path);
    expect(response.headers.get('Content-Type')).toMatch(type);
    await response.arrayBuffer();
  });

  it('answers HEAD and a conditional GET with the security headers too', async () => {
    const head = await call('/docs/init.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expectSecurityHeaders(head);
    expect(await head.text()).toBe('');
    const etag = head.headers.get('ETag');
    expect(etag).toBeTruthy();
    const revalidated = await call('/docs/init.js', { headers: { 'If-None-Match': etag! } });
    expect(revalidated.status).toBe(304);
    expectSecurityHeaders(revalidated);
  });

  it.each(['/docs/vendor/missing.js', '/docs/init.js/x', '/humans.txt'])(
    'answers a missing file %s with a 404 problem and the security headers',
    async (path) => {
      const response = await call(path);
      expectSecurityHeaders(response);
      await expectProblem(response, 404);
    },
  );
});
