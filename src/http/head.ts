import type { Middleware } from './middleware';

const FROM_HEAD = new WeakSet<Request>();

/** Whether a GET is a HEAD answered as GET (headAsGet): not a reader's view, for what counts views. */
export const isHead = (request: Request) => request.method === 'HEAD' || FROM_HEAD.has(request);

/**
 * HEAD is GET without the body (RFC 9110 §9.3.2): the rest of the chain sees a GET, built from the
 * address and headers alone (a GET cannot carry the body a HEAD sent), and the answer goes out
 * with its status and headers only.
 */
export const headAsGet: Middleware = async (request, next) => {
  if (request.method !== 'HEAD') return next(request);
  const asGet = new Request(request.url, { method: 'GET', headers: request.headers });
  FROM_HEAD.add(asGet);
  const response = await next(asGet);
  if (request.body !== null && !request.bodyUsed) request.body.cancel().catch(() => {});
  return new Response(null, { status: response.status, headers: response.headers });
};
