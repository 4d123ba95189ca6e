import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One ping the stand-in hub received. */
export interface Ping {
  mode: string | null;
  topic: string | null;
  attempt: number;
  status: number;
}

/**
 * A stand-in WebSub hub for the tests, run by vitest in Node. It records every publish ping and
 * answers 503 to the first attempt for any topic containing "flaky", so retries can be seen.
 * `GET /pings` lists what it received.
 */
export async function startStandInHub(): Promise<{ url: string; close: () => void }> {
  const pings: Ping[] = [];
  const attempts = new Map<string, number>();
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/pings') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(pings));
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const form = new URLSearchParams(body);
      const topic = form.get('hub.url');
      const attempt = (attempts.get(topic ?? '') ?? 0) + 1;
      attempts.set(topic ?? '', attempt);
      const status = topic?.includes('flaky') && attempt === 1 ? 503 : 204;
      pings.push({ mode: form.get('hub.mode'), topic, attempt, status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hub`, close: () => server.close() };
}
