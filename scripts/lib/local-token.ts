import type { Role } from '../../src/domain/status';
import { generateToken, hashToken } from '../../src/domain/token';
import { insertTokenSql } from '../../src/storage/tokens';
import { type D1Target, d1Runner } from './wrangler';

/** Mints a token straight into a local D1 (for test stages and the benchmark); returns its secret. */
export async function mintLocalToken(target: D1Target, name: string, role: Role): Promise<string> {
  const { id, token } = generateToken();
  await d1Runner(target)(
    insertTokenSql({ id, name, role, hash: await hashToken(token), created_at: new Date().toISOString(), revoked_at: null }),
  );
  return token;
}
