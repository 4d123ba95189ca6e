import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/http/body';
import { bodyLimit } from '../../src/http/body-limit';
import { makeIssue } from '../fixtures/issues';
import { callModule, editorClient, expectProblem, mintToken } from '../helpers';

/**
 * The body limit at the door. Requests go straight to the Worker module, so the body each one
 * carries is a stream this test controls: one that sends a chunk and then never ends, as a client
 * that declares a large body and sends it slowly or not at all.
 */
function endlessBody() {
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"title":'));
    },
    pull: () => new Promise<void>(() => {}),
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

/** The Worker's answer, or a failure after two seconds instead of a test that hangs. */
async function answer(path: string, init: RequestInit): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${init.method ?? 'GET'} ${path} within 2 s`)), 2000);
  });
  try {
    return await Promise.race([callModule(path, init), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let token = '';
let id = '';
let slug = '';

beforeAll(async () => {
  token = await mintToken('admin');
  const editor = editorClient(token);
  ({ id, slug } = (await (await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue() })).json()) as {
    id: string;
    slug: string;
  });
  await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
});

const OVER = String(MAX_BODY_BYTES + 1);

describe('a declared Content-Length over the limit', () => {
  const cases: [string, string, () => string, () => Record<string, string>][] = [
    ['an editor route without a token', 'POST', () => '/api/v1/admin/issues', () => ({})],
    ['an editor route with a wrong token', 'POST', () => '/api/v1/admin/issues', () => ({ Authorization: 'Bearer wrong' })],
    ['an editor route with a valid token', 'POST', () => '/api/v1/admin/issues', () => ({ Authorization: `Bearer ${token}` })],
    ['an editor replace', 'PUT', () => `/api/v1/admin/issues/${id}`, () => ({ Authorization: `Bearer ${token}`, 'If-Match': '"v1"' })],
    [
      'a publish, which reads an optional body',
      'POST',
      () => `/api/v1/admin/issues/${id}/publish`,
      () => ({ Authorization: `Bearer ${token}` }),
    ],
    ['reader feedback', 'POST', () => `/api/v1/issues/${encodeURIComponent(slug)}/feedback`, () => ({})],
    ['an unknown path', 'POST', () => '/nowhere', () => ({})],
    ['a method the path does not answer', 'DELETE', () => '/feed.xml', () => ({})],
    ['a GET, which takes no body', 'GET', () => '/api/v1/issues', () => ({})],
    [
      'a CORS preflight',
      'OPTIONS',
      () => '/api/v1/issues',
      () => ({ Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'GET' }),
    ],
    ['a static file', 'GET', () => '/docs/init.js', () => ({})],
  ];

  it.each(cases)('is answered 413 at once on %s, before the body arrives', async (_name, method, path, headers) => {
    // A GET cannot be given a body here (workerd refuses to build one), only the header; on the
    // network it can carry both.
    const withBody = method !== 'GET';
    const { stream, state } = endlessBody();
    const response = await answer(path(), {
      method,
      body: withBody ? stream : null,
      headers: { 'Content-Type': 'application/json', 'Content-Length': OVER, ...headers() },
    });
    const problem = await expectProblem(response, 413);
    expect(problem.detail).toContain(String(MAX_BODY_BYTES));
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    // Nothing waits for the rest of it.
    expect(state.cancelled).toBe(withBody);
  });

  it('lets a body of exactly the limit through the door', async () => {
    const { stream } = endlessBody();
    const response = await answer('/nowhere', { method: 'POST', body: stream, headers: { 'Content-Length': String(MAX_BODY_BYTES) } });
    await expectProblem(response, 404);
  });
});

describe('a body the answer does not read', () => {
  it.each([
    ['an unknown path', 'POST', '/nowhere', 404],
    ['an editor route without a token', 'POST', '/api/v1/admin/issues', 401],
    ['a method the path does not answer', 'DELETE', '/feed.xml', 405],
  ] as const)('on %s is answered at once and cancelled, declared or chunked', async (_name, method, path, status) => {
    const declared: Record<string, string>[] = [{ 'Content-Length': '100' }, {}];
    for (const headers of declared) {
      const { stream, state } = endlessBody();
      const response = await answer(path, { method, body: stream, headers });
      expect(response.status).toBe(status);
      await response.arrayBuffer();
      // Unread, it would keep the connection waiting (wrangler dev drains it before answering).
      expect(state.cancelled).toBe(true);
    }
  });
});

describe('a body without a declared length', () => {
  it('is still cut off at the limit as it is read', async () => {
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await answer('/api/v1/admin/issues', {
      method: 'POST',
      body: stream,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });
    await expectProblem(response, 413);
    expect(sent).toBeLessThan(MAX_BODY_BYTES * 2);
  });
});

describe('bodyLimit', () => {
  it('refuses before it calls what comes next (routing, authentication)', async () => {
    let called = false;
    const request = new Request('http://127.0.0.1/', { method: 'POST', body: endlessBody().stream, headers: { 'Content-Length': OVER } });
    await expect(bodyLimit(() => MAX_BODY_BYTES)(request, async () => ((called = true), new Response()))).rejects.toMatchObject({
      status: 413,
    });
    expect(called).toBe(false);
  });

  it('leaves a body that was read alone', async () => {
    const request = new Request('http://127.0.0.1/', { method: 'POST', body: '{"a":1}' });
    const response = await bodyLimit(() => MAX_BODY_BYTES)(request, async () => new Response(await request.text()));
    expect(await response.text()).toBe('{"a":1}');
  });
});
