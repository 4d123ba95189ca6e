import type { Middleware } from './middleware';

/**
 * CORS is allowed where the API means to be read from other sites' scripts: the public JSON API,
 * feeds, oEmbed and the partner snippet, for GET and HEAD, without credentials. The editor API,
 * feedback posts and HTML pages send no CORS headers, so browsers keep other origins out of them.
 */
const PUBLIC_READS = [
  /^\/api\/v1\/issues(?:\/[^/]+)?$/,
  /^\/api\/v1\/tags$/,
  /^\/api\/v1\/openapi\.json$/,
  /^\/oembed$/,
  /^\/embed\.js$/,
  /^(?:\/tags\/[^/]+)?\/(?:feed\.xml|atom\.xml|feed\.json)$/,
];

function allowsCors(pathname: string): boolean {
  return PUBLIC_READS.some((pattern) => pattern.test(pathname));
}

const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'ETag, Last-Modified, Link, Masthead-Cache',
};

/** The answer to a CORS preflight for a public read. */
export function preflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
      'Access-Control-Max-Age': '86400',
      Allow: 'GET, HEAD, OPTIONS',
    },
  });
}

/** Every answer of a public read (errors too) is readable from other origins; other paths pass through. */
export const corsHeaders: Middleware = async (request, next) => {
  const response = await next(request);
  if (allowsCors(new URL(request.url).pathname)) {
    for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  }
  return response;
};

/**
 * A CORS preflight of a public read is answered here, with no route: inside the body limit, so
 * one that declares too large a body is refused like any other request.
 */
export const corsPreflight: Middleware = async (request, next) =>
  request.method === 'OPTIONS' && allowsCors(new URL(request.url).pathname) ? preflight() : next(request);
