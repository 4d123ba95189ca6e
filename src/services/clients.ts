import type { App } from '../config';
import { sha256Hex } from '../domain/hashing';

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
