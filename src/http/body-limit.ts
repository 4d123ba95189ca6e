import { MAX_BODY_BYTES, payloadTooLarge } from './body';
import type { Middleware } from './middleware';

/** The length the request declares for its body, or null (no body, or a chunked one). */
function declaredLength(request: Request): number | null {
  const header = request.headers.get('Content-Length');
  return header === null ? null : Number(header);
}

/**
 * The body limit at the door, before routing and authentication (as Hono's `bodyLimit`): a request
 * that declares a body over MAX_BODY_BYTES is refused (413) at once, whatever its method or path,
 * without waiting for a byte of it. A body that declares no length is counted as it is read
 * (`readText` in body.ts). Whatever body the answer left unread is cancelled: nothing needs it, and
 * an unread body keeps a connection waiting for a client that may never finish sending it
 * (`wrangler dev` even drains it before it answers).
 */
export const bodyLimit: Middleware = async (request, next) => {
  try {
    const declared = declaredLength(request);
    if (declared !== null && declared > MAX_BODY_BYTES) throw payloadTooLarge();
    return await next(request);
  } finally {
    if (request.body !== null && !request.bodyUsed) request.body.cancel().catch(() => {});
  }
};
