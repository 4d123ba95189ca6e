import type { Role } from '../domain/status';
import type { Db } from './db';
import { sqlLiteral } from './sql-literal';

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export async function findToken(db: Db, id: string): Promise<TokenRecord | null> {
  return db.prepare('SELECT id, name, role, hash, created_at, revoked_at FROM tokens WHERE id = ?').bind(id).first<TokenRecord>();
}

export async function insertToken(db: Db, token: TokenRecord): Promise<void> {
  await db
    .prepare('INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(token.id, token.name, token.role, token.hash, token.created_at, token.revoked_at)
    .run();
}

/** Marks a token revoked; true when there was a live token to revoke. */
export async function revokeToken(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').bind(at, id).run();
  return result.meta.changes === 1;
}

/**
 * The INSERT for `wrangler d1 execute --command`, which cannot bind parameters. Every value is a
 * validated name, a role, hex or a timestamp, and is quoted as an SQL string literal besides.
 */
export function insertTokenSql(token: TokenRecord): string {
  const values = [token.id, token.name, token.role, token.hash, token.created_at].map(sqlLiteral).join(', ');
  return `INSERT INTO tokens (id, name, role, hash, created_at) VALUES (${values});`;
}

export function revokeTokenSql(id: string, at: string): string {
  return `UPDATE tokens SET revoked_at = ${sqlLiteral(at)} WHERE id = ${sqlLiteral(id)} AND revoked_at IS NULL;`;
}

/** The live token that holds a name, if any (names of live tokens are unique: migration 0011). */
export function liveTokenNamedSql(name: string): string {
  return `SELECT id, role FROM tokens WHERE name = ${sqlLiteral(name)} AND revoked_at IS NULL;`;
}

export const LIST_TOKENS_SQL = 'SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY created_at, id;';

/** One token's metadata (never its hash), for reading back what a command wrote. */
export function findTokenSql(id: string): string {
  return `SELECT id, name, role, created_at, revoked_at FROM tokens WHERE id = ${sqlLiteral(id)};`;
}
