import type { App } from '../config';
import { authenticate, type Editor } from '../services/tokens';
import { HttpError } from './problem';

const CHALLENGE = 'Bearer realm="masthead"';

function unauthorized(detail: string, error?: string): HttpError {
  const challenge = error === undefined ? CHALLENGE : `${CHALLENGE}, error="${error}"`;
  return new HttpError(401, { name: 'unauthorized', detail }, { 'WWW-Authenticate': challenge });
}

/** The editor behind `Authorization: Bearer <token>` (RFC 6750), or a 401. */
export async function requireEditor(request: Request, app: App): Promise<Editor> {
  const header = request.headers.get('Authorization');
  if (header === null) throw unauthorized('Send Authorization: Bearer <token>; mint one with `npm run token -- create`.');
  const match = /^Bearer +([\x21-\x7E]+) *$/i.exec(header);
  if (match === null) throw unauthorized('The Authorization header must read "Bearer <token>".', 'invalid_request');
  const editor = await authenticate(app.db, match[1] ?? '');
  if (editor === null) throw unauthorized('The token is unknown or revoked.', 'invalid_token');
  return editor;
}
