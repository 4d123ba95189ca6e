import type { App } from '../config';

const encoder = new TextEncoder();

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A stand-in for a client's address that is never stored or logged raw: a hash with a salt that
 * changes every UTC day, so it can tell a client's requests apart today and links nothing across days.
 */
export async function clientHash(app: App, request: Request): Promise<string> {
  const address = request.headers.get('CF-Connecting-IP') ?? 'unknown';
  const day = app.now().toISOString().slice(0, 10);
  const salt = await sha256Hex(`${app.hashSecret}:${day}`);
  return (await sha256Hex(`${salt}:${address}`)).slice(0, 32);
}
