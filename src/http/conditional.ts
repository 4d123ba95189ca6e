import { sha256, toBase64url } from '../domain/hashing';
import { HttpError } from './problem';

/** The strong ETag of an editor's view of an issue: its version. */
export function versionEtag(version: number): string {
  return `"v${version}"`;
}

function etagList(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

/**
 * Enforces `If-Match` for a write (RFC 9110 §13.1.1, strong comparison): 428 when the header is
 * missing or `*`, 412 when no listed ETag is the current one.
 */
export function checkIfMatch(header: string | null, currentEtag: string): void {
  if (header === null || header.trim() === '') {
    throw new HttpError(428, {
      name: 'precondition-required',
      detail: `Send If-Match with the ETag you last read (currently ${currentEtag}) so no one's change is overwritten.`,
    });
  }
  const tags = etagList(header);
  // "*" matches any version, which would let a client skip the lost-update check it is there for.
  if (tags.includes('*')) {
    throw new HttpError(428, {
      name: 'precondition-required',
      detail: `If-Match: * matches any version; send the ETag you last read (currently ${currentEtag}) so no one's change is overwritten.`,
    });
  }
  if (tags.includes(currentEtag)) return;
  throw new HttpError(
    412,
    { name: 'precondition-failed', detail: `The issue is now at ${currentEtag}; read it again and reapply your change.` },
    { ETag: currentEtag },
  );
}

/** Like checkIfMatch, but the header is optional: only a stale one is refused. */
export function checkOptionalIfMatch(header: string | null, currentEtag: string): void {
  if (header !== null && header.trim() !== '') checkIfMatch(header, currentEtag);
}

/** A strong ETag derived from the bytes of a representation. */
export async function contentEtag(body: string): Promise<string> {
  return `"${toBase64url((await sha256(body)).slice(0, 16))}"`;
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

/** Headers RFC 9110 §15.4.5 says a 304 must carry when the 200 would have. */
const KEPT_ON_304 = ['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'last-modified'];

/** The 304 for `response`: no body, only the headers a 304 keeps. */
export function notModified(response: Response): Response {
  const headers = new Headers();
  for (const [name, value] of response.headers) if (KEPT_ON_304.includes(name)) headers.set(name, value);
  return new Response(null, { status: 304, headers });
}
