import * as v from 'valibot';
import { sha256Hex, toBase64url } from './hashing';
import { ROLES } from './status';

/**
 * An editor token reads `mh_<id>_<secret>`. The id finds the row; only a SHA-256 hash of the
 * whole token is stored. The secret has 256 bits of entropy, so a fast hash is enough: there is
 * nothing to brute-force that a slow hash would protect.
 */
const TOKEN_PATTERN = /^mh_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export const TokenNameSchema = v.pipe(
  v.string('must be a string'),
  v.regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'must be 1 to 64 letters, digits, ".", "_", "@" or "-"'),
);
export const RoleSchema = v.picklist(ROLES, `must be one of ${ROLES.join(', ')}`);

/** A new token and its id. */
export function generateToken(): { id: string; token: string } {
  const id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => (b % 36).toString(36)).join('');
  const secret = toBase64url(crypto.getRandomValues(new Uint8Array(32)));
  return { id, token: `mh_${id}_${secret}` };
}

/** The token's id, or null when the string is not shaped like a token. */
export function tokenId(token: string): string | null {
  return TOKEN_PATTERN.exec(token)?.[1] ?? null;
}

/** The hex SHA-256 of a token, as stored. */
export async function hashToken(token: string): Promise<string> {
  return sha256Hex(token);
}
