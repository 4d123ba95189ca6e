import { payloadTooLarge } from './body';
import type { Middleware } from './middleware';

/** The length the request declares for its body, or null (no body, or a chunked one). */
function declaredLength(request: Request): number | null {
  const header = request.headers.get('Content-Length');
  return header === null ? null : Number(header);
}

/**
 * The body limit at the door, before routing and authentication (as Hono's `bodyLimit`): a request
 * that declares a body over its limit (`limitFor`: 1 MiB, 25 MiB for media uploads) is refused
 * (413) at once, without waiting for a byte of it. A body that declares no length is counted as it is read
 * (`readText` in body.ts). Whatever body the answer left unread is cancelled: nothing needs it, and
 * an unread body keeps a connection waiting for a client that may never finish sending it
 * (`wrangler dev` even drains it before it answers).
 */
export const bodyLimit =
  (limitFor: (request: Request) => number): Middleware =>
  async (request, next) => {
    try {
      const declared = declaredLength(request);
      const limit = limitFor(request);
      if (declared !== null && declared > limit) throw payloadTooLarge(limit);
      return await next(request);
    } finally {
      if (request.body !== null && !request.bodyUsed) request.body.cancel().catch(() => {});
    }
  };
