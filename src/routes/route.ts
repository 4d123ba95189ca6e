import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import type { Role } from '../domain/status';
import type { RequestText } from '../http/body';
import { parseQuery } from '../http/query';
import { type BodySchemas, readBody } from '../http/request-body';
import type { Operation } from '../render/openapi/operation';
import { requireRole } from '../services/access';
import type { Editor } from '../services/tokens';
import { requireEditor } from './auth';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What the router has checked before a handler runs, as the route's declaration says: the editor
 * (when it names a role), the query (when it has a query schema) and the body (when it has bodies).
 */
export interface RouteInput<Op extends Operation = Operation> {
  editor: Op extends { role: Role } ? Editor : null;
  query: Op extends { query: infer Q extends v.GenericSchema } ? v.InferOutput<Q> : undefined;
  body: Op extends { body: infer B extends BodySchemas } ? v.InferOutput<B[keyof B]> : undefined;
  /** The body as it came, for what must hash it (Idempotency-Key); null without one. */
  received: RequestText | null;
}

export type Handler<Op extends Operation = Operation> = (
  request: IRequest,
  context: RequestContext,
  input: RouteInput<Op>,
) => Promise<Response>;

/** A route: its method and path (itty-router's `:param`s), its handler, and its declaration. */
export interface Route {
  method: Method;
  path: string;
  handler: Handler;
  doc: Operation;
}

/** Declares a route; the handler's input is typed by the declaration (its role, query and bodies). */
export const route = <Op extends Operation>(method: Method, path: string, handler: NoInfer<Handler<Op>>, doc: Op): Route => ({
  method,
  path,
  handler: handler as unknown as Handler,
  doc,
});

/**
 * The route's handler behind what its declaration requires, in this order: the caller's token
 * (401) and role (403), the query string (400), then the body (415, 413, 400).
 */
export function checked({ handler, doc }: Route): (request: IRequest, context: RequestContext) => Promise<Response> {
  return async (request, context) => {
    let editor: Editor | null = null;
    if (doc.role !== undefined) {
      editor = await requireEditor(request, context);
      requireRole(editor, doc.role);
    }
    const query = doc.query === undefined ? undefined : parseQuery(request, doc.query);
    const { value: body, received } =
      doc.body === undefined ? { value: undefined, received: null } : await readBody(request, doc.body, doc.bodyRequired ?? false);
    return handler(request, context, { editor, query, body, received } as RouteInput);
  };
}
