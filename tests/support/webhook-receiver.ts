import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, as it checked it. */
export interface Received {
  /** The `webhook-id` header. */
  id: string | null;
  /** Whether the Standard Webhooks reference library accepted the signature and timestamp. */
  verified: boolean;
  /** Why it did not, when it did not. */
  error: string | null;
  /** The body's `type`, and the body itself. */
  type: string | null;
  body: unknown;
  /** What the receiver answered. */
  status: number;
  /** The 1-based count of requests this endpoint got with this `webhook-id`. */
  attempt: number;
}

/** How an endpoint of the receiver behaves: the secret to verify with, and the statuses to answer in turn. */
export interface EndpointScript {
  secret: string;
  /** Answered in turn, one per request; 204 once they run out. */
  statuses?: number[];
  /** A body to answer with (for the excerpt). */
  answer?: string;
}

/** What the large-image stand-in saw, per group: requests, the most at once, and bytes it wrote. */
export interface BigStats {
  requests: number;
  open: number;
  maxOpen: number;
  bytesWritten: number;
}

const u32 = (n: number) => Buffer.from([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const pngChunk = (type: string, data: Buffer) => Buffer.concat([u32(data.length), Buffer.from(type), data, u32(0)]);

/**
 * A valid PNG of one pixel made `size` bytes long by a text chunk, written in 64 KiB pieces as the
 * client reads them, without a Content-Length (chunked): the bytes written show what the client read.
 */
async function servePadded(response: ServerResponse, group: string, size: number, all: Map<string, BigStats>): Promise<void> {
  const stats = all.get(group) ?? { requests: 0, open: 0, maxOpen: 0, bytesWritten: 0 };
  all.set(group, stats);
  stats.requests++;
  stats.maxOpen = Math.max(stats.maxOpen, ++stats.open);
  const head = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', Buffer.concat([u32(1), u32(1), Buffer.from([8, 2, 0, 0, 0])])),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 200, 100, 50]))),
  ]);
  const tail = pngChunk('IEND', Buffer.alloc(0));
  const padding = Math.max(0, size - head.length - tail.length - 12);
  const piece = Buffer.alloc(64 * 1024, 97);
  const write = (bytes: Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (response.destroyed) return reject(new Error('closed'));
      stats.bytesWritten += bytes.length;
      if (response.write(bytes)) resolve();
      else response.once('drain', resolve).once('close', () => reject(new Error('closed')));
    });
  response.on('close', () => stats.open--);
  try {
    response.writeHead(200, { 'Content-Type': 'image/png' });
    await write(Buffer.concat([head, u32(padding), Buffer.from('tEXt')]));
    for (let left = padding; left > 0; left -= piece.length) await write(left >= piece.length ? piece : piece.subarray(0, left));
    await write(Buffer.concat([u32(0), tail]));
    response.end();
  } catch {
    // The client stopped reading: what it read is counted.
  }
}

/**
 * A stand-in webhook receiver for the tests, run by vitest in Node: it verifies each request with
 * `standardwebhooks` (the specification's reference library, as a receiver would) and records it.
 * `PUT /endpoints/{name}` sets an endpoint's script; `POST /hooks/{name}` is the URL to register;
 * `GET /received/{name}` lists what came. It also stands in for a web server that newsletters link
 * to: `GET /files/{name}` answers the file of that name in seed/images (404 for any other).
 */
export async function startWebhookReceiver(): Promise<{ url: string; close: () => void }> {
  const scripts = new Map<string, EndpointScript>();
  const bigStats = new Map<string, BigStats>();
  const received = new Map<string, Received[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const big = /^\/big\/([\w-]+)\/\d+\.png\?mb=(\d+)$/.exec(request.url ?? '');
      if (big !== null && request.method === 'GET') {
        void servePadded(response, big[1]!, Number(big[2]) * 1024 * 1024, bigStats);
        return;
      }
      const stats = /^\/big-stats\/([\w-]+)$/.exec(request.url ?? '');
      if (stats !== null) {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(bigStats.get(stats[1]!) ?? null));
        return;
      }
      const file = /^\/files\/([\w-]+\.png)$/.exec(request.url ?? '');
      if (file !== null && request.method === 'GET') {
        readFile(new URL(`../../seed/images/${file[1]}`, import.meta.url)).then(
          (bytes) => response.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': bytes.length }).end(bytes),
          () => response.writeHead(404).end(),
        );
        return;
      }
      const [, kind, name = ''] = /^\/(endpoints|hooks|received)\/([\w-]+)$/.exec(request.url ?? '') ?? [];
      if (kind === 'endpoints' && request.method === 'PUT') {
        scripts.set(name, JSON.parse(body) as EndpointScript);
        response.writeHead(204).end();
        return;
      }
      if (kind === 'received' && request.method === 'GET') {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(received.get(name) ?? []));
        return;
      }
      const script = scripts.get(name);
      if (kind !== 'hooks' || request.method !== 'POST' || script === undefined) {
        response.writeHead(404).end();
        return;
      }
      const headers = {
        'webhook-id': String(request.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
      };
      let verified = false;
      let error: string | null = null;
      let parsed: unknown = null;
      try {
        parsed = new Webhook(script.secret).verify(body, headers);
        verified = true;
      } catch (failure) {
        error = String(failure);
      }
      const list = received.get(name) ?? [];
      const id = headers['webhook-id'] || null;
      const status = verified ? (script.statuses?.shift() ?? 204) : 401;
      list.push({
        id,
        verified,
        error,
        type: (parsed as { type?: string } | null)?.type ?? null,
        body: parsed,
        status,
        attempt: list.filter((earlier) => earlier.id === id).length + 1,
      });
      received.set(name, list);
      response.writeHead(status, { 'Content-Type': 'text/plain' }).end(script.answer ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
