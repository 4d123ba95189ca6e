import type { Db } from './db';
/** What a create with an Idempotency-Key recorded: the request's fingerprint and the issue it made. */
export interface IdempotencyRecord {
  fingerprint: string;
  issue_id: string;
}

export async function findIdempotencyRecord(db: Db, tokenId: string, key: string): Promise<IdempotencyRecord | null> {
  return db
    .prepare('SELECT fingerprint, issue_id FROM idempotency_keys WHERE token_id = ? AND key = ?')
    .bind(tokenId, key)
    .first<IdempotencyRecord>();
}

/** The statement that records a key; it joins the create's batch so both commit or neither. */
export function idempotencyInsert(
  db: Db,
  record: IdempotencyRecord & { token_id: string; key: string; created_at: string },
): D1PreparedStatement {
  return db
    .prepare('INSERT INTO idempotency_keys (token_id, key, fingerprint, issue_id, created_at) VALUES (?, ?, ?, ?, ?)')
    .bind(record.token_id, record.key, record.fingerprint, record.issue_id, record.created_at);
}

/** Forgets keys older than `before`; run by the cron trigger. */
export async function pruneIdempotencyKeys(db: Db, before: string): Promise<number> {
  const result = await db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').bind(before).run();
  return result.meta.changes;
}
