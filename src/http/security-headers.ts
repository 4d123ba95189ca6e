import { CACHE_POLICY } from './cache-policy';
import type { Middleware } from './middleware';

/**
 * The headers SECURITY.md promises on every response: the Worker's own, and the static files in
 * public/, which the Worker serves (wrangler.toml runs it first), so there is one list to keep.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

/** The policy of a response that sets none: it loads nothing and nothing may frame it. */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Sets the security headers on a response the Worker built (its headers are mutable). A response
 * with its own Content-Security-Policy (pages, embeds, /docs) keeps it, and its own framing rule.
 */
export function secureHeaders(response: Response): Response {
  const headers = response.headers;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  if (!headers.has('Content-Security-Policy')) {
    headers.set('Content-Security-Policy', DEFAULT_CSP);
    headers.set('X-Frame-Options', 'DENY');
  }
  return response;
}

/**
 * The security headers on every answer, and on every error answer that sets no caching of its own
 * the error policy (errors are not kept by caches for long).
 */
export const securityHeaders: Middleware = async (request, next) => {
  const response = secureHeaders(await next(request));
  if (response.status >= 400 && !response.headers.has('Cache-Control')) response.headers.set('Cache-Control', CACHE_POLICY.error);
  return response;
};
