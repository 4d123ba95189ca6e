import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_startWorker } from 'wrangler';

/**
 * The door over real HTTP, through the pipeline `npm run dev` uses (wrangler's dev server, which
 * also drains request bodies the Worker leaves unread). A raw socket sends the request head and a
 * few bytes of a body it never finishes, as a slow or stalled client does; the Worker must answer
 * without waiting for the rest. Only paths that need no database are asked for.
 */
let worker: Awaited<ReturnType<typeof unstable_startWorker>>;
let port = 0;
let persistTo = '';

beforeAll(async () => {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  persistTo = await mkdtemp(join(tmpdir(), 'masthead-door-'));
  worker = await unstable_startWorker({
    config: 'wrangler.toml',
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, persist: persistTo, logLevel: 'none' },
  } as Parameters<typeof unstable_startWorker>[0]);
  port = Number((await worker.url).port);
  // The first request waits for the bundle to load; the timings below are about the door alone.
  await (await fetch(new URL('/docs', await worker.url))).arrayBuffer();
}, 60_000);

afterAll(async () => {
  await worker?.dispose();
  await rm(persistTo, { recursive: true, force: true });
});

/** Sends `head` and `body` and never more; resolves with the status code, or "no answer" after 5 s. */
function statusOf(head: string, body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nHost: 127.0.0.1\r\n\r\n${body}`));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('no answer');
    }, 5000);
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(
        chunk
          .toString('latin1')
          .split('\r\n', 1)[0]!
          .replace(/^HTTP\/1\.1 (\d{3}).*$/, '$1'),
      );
    });
    socket.once('error', reject);
  });
}

const OVER = 'Content-Length: 5000000';

describe('over HTTP, a request that declares a body over the limit', () => {
  it.each([
    ['an editor route without a token', 'POST /api/v1/admin/issues HTTP/1.1\r\nContent-Type: application/json'],
    [
      'an editor route with a wrong token',
      'POST /api/v1/admin/issues HTTP/1.1\r\nContent-Type: application/json\r\nAuthorization: Bearer wrong',
    ],
    ['reader feedback', 'POST /api/v1/issues/some-issue/feedback HTTP/1.1\r\nContent-Type: application/json'],
    ['an unknown path', 'POST /nowhere HTTP/1.1'],
    ['a GET', 'GET /api/v1/issues HTTP/1.1'],
    ['a HEAD of a static file', 'HEAD /docs/init.js HTTP/1.1'],
    ['a method the path does not answer', 'DELETE /feed.xml HTTP/1.1'],
  ])('on %s is answered 413 before the body arrives', async (_name, head) => {
    expect(await statusOf(`${head}\r\n${OVER}`, '{"a":')).toBe('413');
  });
});

describe('over HTTP, a body the answer does not need', () => {
  it.each([
    ['an unknown path', 'POST /nowhere HTTP/1.1', '404'],
    ['an editor route without a token', 'POST /api/v1/admin/issues HTTP/1.1\r\nContent-Type: application/json', '401'],
    ['a static file', 'GET /docs/init.js HTTP/1.1', '200'],
    ['a HEAD of a static file', 'HEAD /docs/init.js HTTP/1.1', '200'],
    ['a HEAD of a page', 'HEAD /docs HTTP/1.1', '200'],
  ])('on %s is answered at once, whether it is declared or chunked', async (_name, head, status) => {
    expect(await statusOf(`${head}\r\nContent-Length: 100`, '{"a":')).toBe(status);
    expect(await statusOf(`${head}\r\nTransfer-Encoding: chunked`, '5\r\n{"a":\r\n')).toBe(status);
  });
});
