import type { IRequest } from 'itty-router';
import type { RequestContext } from '../config';
import { notFound } from '../http/problem';

/**
 * `GET` of any path no route serves: a file from public/ through the ASSETS binding (Workers Static
 * Assets), or the same 404 problem as any other unknown address.
 */
export async function staticFile(request: IRequest, context: RequestContext): Promise<Response> {
  // Only the address and headers (conditional GET): a body sent along is no business of a file's,
  // and handing it over would keep it read after the answer has gone.
  const file = await context.assets.fetch(request.url, { headers: request.headers });
  if (file.status === 404) {
    await file.body?.cancel();
    throw notFound('Nothing is served at this address.');
  }
  // The binding's response has immutable headers; a copy lets the security headers be set on it.
  return new Response(file.body, file);
}
