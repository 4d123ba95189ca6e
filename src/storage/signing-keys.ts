import type { Db } from './db';

/** The secret (hex) of a signing key that the migrations made (see migrations/0006_signing_keys.sql). */
export async function readSigningKey(db: Db, name: 'cursor'): Promise<string> {
  const row = await db.prepare('SELECT secret FROM signing_keys WHERE name = ?').bind(name).first<{ secret: string }>();
  if (row === null) throw new Error(`signing key ${name} is missing: apply the migrations`);
  return row.secret;
}
