import type { RequestContext } from '../config';
import { clientAddress } from '../http/client';
import { HttpError } from '../http/problem';
import { limiterKey } from '../services/clients';
import { authenticate, type Editor } from '../services/tokens';

const CHALLENGE = 'Bearer realm="masthead"';

function unauthorized(detail: string, error?: string): HttpError {
  const challenge = error === undefined ? CHALLENGE : `${CHALLENGE}, error="${error}"`;
  return new HttpError(401, { name: 'unauthorized', detail }, { 'WWW-Authenticate': challenge });
}

/**
 * Counts a failed attempt against the client; past AUTH_LIMITER's limit the answer is 429, so
 * guessing tokens is slow as well as hopeless (they hold 256 random bits).
 */
async function failed(request: Request, context: RequestContext, error: HttpError): Promise<HttpError> {
  const { success } = await context.authLimiter.limit({ key: `auth:${await limiterKey(context, clientAddress(request))}` });
  if (success) return error;
  return new HttpError(
    429,
    { name: 'rate-limited', detail: 'Too many failed attempts to authenticate; wait a minute.' },
    { 'Retry-After': '60' },
  );
}

/** The editor behind `Authorization: Bearer <token>` (RFC 6750), or a 401 (429 after many failures). */
export async function requireEditor(request: Request, context: RequestContext): Promise<Editor> {
  const header = request.headers.get('Authorization');
  if (header === null)
    throw await failed(request, context, unauthorized('Send Authorization: Bearer <token>; mint one with `npm run token -- create`.'));
  const match = /^Bearer +([\x21-\x7E]+) *$/i.exec(header);
  if (match === null)
    throw await failed(request, context, unauthorized('The Authorization header must read "Bearer <token>".', 'invalid_request'));
  const editor = await authenticate(context.db, match[1] ?? '');
  if (editor === null) throw await failed(request, context, unauthorized('The token is unknown or revoked.', 'invalid_token'));
  return editor;
}
