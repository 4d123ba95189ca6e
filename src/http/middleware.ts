/**
 * Cross-cutting HTTP concerns as small composable pieces (as Hono's middleware): each is handed the
 * request and the rest of the chain, and may answer itself, or change what the rest answers.
 */
export type Handler = (request: Request) => Promise<Response>;
export type Middleware = (request: Request, next: Handler) => Promise<Response>;

/** The handler with the middleware around it, the first outermost. */
export function compose(middleware: readonly Middleware[], handler: Handler): Handler {
  return middleware.reduceRight<Handler>((next, layer) => (request) => layer(request, next), handler);
}
