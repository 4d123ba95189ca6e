import type { Role } from '../domain/status';
import { hashToken, tokenId } from '../domain/token';
import type { Db } from '../storage/db';
import { findToken } from '../storage/tokens';

/** Who is making an editor request. */
export interface Editor {
  tokenId: string;
  name: string;
  role: Role;
}

const encoder = new TextEncoder();
/** A hash no token has, compared against when the id is unknown so both paths take the same time. */
const NO_HASH = '0'.repeat(64);

/** The editor a bearer token belongs to, or null for an unknown, malformed or revoked token. */
export async function authenticate(db: Db, token: string): Promise<Editor | null> {
  const id = tokenId(token);
  if (id === null) return null;
  const [record, hash] = await Promise.all([findToken(db, id), hashToken(token)]);
  const expected = encoder.encode(record?.hash ?? NO_HASH);
  const matches = crypto.subtle.timingSafeEqual(encoder.encode(hash), expected);
  if (record === null || !matches || record.revoked_at !== null) return null;
  return { tokenId: record.id, name: record.name, role: record.role };
}
