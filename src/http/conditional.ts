import type { IfMatch } from '../domain/preconditions';

function etagList(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/** The If-Match header as the services take it. */
export function parseIfMatch(header: string | null): IfMatch {
  if (header === null || header.trim() === '') return { kind: 'absent' };
  const tags = etagList(header);
  return tags.includes('*') ? { kind: 'any' } : { kind: 'tags', tags };
}

/** An RFC 3339 time as an HTTP date (IMF-fixdate), truncated to the second as HTTP dates are. */
export function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

/**
 * Whether a GET may be answered 304 (RFC 9110 §13.2.2): If-None-Match decides when present (weak
 * comparison); otherwise If-Modified-Since against Last-Modified.
 */
export function isNotModified(request: Request, etag: string, lastModified: string | null): boolean {
  const ifNoneMatch = request.headers.get('If-None-Match');
  if (ifNoneMatch !== null) {
    const weak = (tag: string) => tag.replace(/^W\//, '');
    const tags = etagList(ifNoneMatch);
    return tags.includes('*') || tags.some((tag) => weak(tag) === weak(etag));
  }
  const ifModifiedSince = request.headers.get('If-Modified-Since');
  if (ifModifiedSince === null || lastModified === null) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  return Math.floor(Date.parse(lastModified) / 1000) <= Math.floor(since / 1000);
}

/**
 * Headers RFC 9110 §15.4.5 says a 304 must carry when the 200 would have, and the representation's
 * own security policy: a browser updates its stored response with the 304's headers (Chromium
 * does so for Content-Security-Policy), so a 304 without them would get the default policy added
 * (nothing may frame it: a partner's widget breaks on reload), and one that kept the stored policy
 * would let a removed partner keep framing an unchanged body.
 */
const KEPT_ON_304 = [
  'cache-control',
  'content-location',
  'date',
  'etag',
  'expires',
  'vary',
  'last-modified',
  'content-security-policy',
  'x-frame-options',
];

/** The 304 for `response`: no body, only the headers a 304 keeps. */
export function notModified(response: Response): Response {
  const headers = new Headers();
  for (const [name, value] of response.headers) if (KEPT_ON_304.includes(name)) headers.set(name, value);
  return new Response(null, { status: 304, headers });
}
