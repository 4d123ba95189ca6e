import type { Db } from './db';
/** Which uniqueness rule a write broke. */
export type ConflictKind = 'slug' | 'number' | 'version' | 'idempotency-key';

/** A write that D1 refused because it would break a uniqueness rule; nothing of it was written. */
export class StorageConflict extends Error {
  constructor(readonly kind: ConflictKind) {
    super(`conflict on ${kind}`);
  }
}

const CONSTRAINTS: [RegExp, ConflictKind][] = [
  [/UNIQUE constraint failed: issues\.slug/, 'slug'],
  [/UNIQUE constraint failed: issues\.number/, 'number'],
  [/UNIQUE constraint failed: revisions\./, 'version'],
  [/UNIQUE constraint failed: idempotency_keys\./, 'idempotency-key'],
];

/** Runs a D1 batch (one transaction) and turns a uniqueness failure into a StorageConflict. */
export async function batchOrConflict(db: Db, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  try {
    return await db.batch(statements);
  } catch (error) {
    const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
    for (const [pattern, kind] of CONSTRAINTS) if (pattern.test(message)) throw new StorageConflict(kind);
    throw error;
  }
}
