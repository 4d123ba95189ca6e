/**
 * The address of the client, as Cloudflare's edge reports it (`CF-Connecting-IP`; a client cannot
 * set it through Cloudflare). It is only ever hashed (src/services/clients.ts), never stored.
 */
export function clientAddress(request: Request): string {
  return request.headers.get('CF-Connecting-IP') ?? 'unknown';
}
