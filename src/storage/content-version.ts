import type { Db } from './db';

/**
 * Which content readers should see: the database's epoch (migrations/0008_content_epoch.sql) and
 * its content generation, which every change readers can see moves on in its own D1 transaction.
 */
export interface ContentVersion {
  epoch: number;
  generation: number;
}

/** The content version as `db` (a session: read it from the primary for the truth) has it. */
export async function readContentVersion(db: Db): Promise<ContentVersion> {
  const { results } = await db
    .prepare("SELECT key, value FROM site_state WHERE key IN ('epoch', 'generation')")
    .all<{ key: string; value: number }>();
  const value = (key: string) => results.find((row) => row.key === key)?.value;
  return { epoch: value('epoch') ?? 0, generation: value('generation') ?? 1 };
}

/**
 * Moves the generation on: to the current time in milliseconds, or one past the last generation
 * if that is later. A generation is never given twice, also not after the database is rewound to
 * an earlier state (D1 Time Travel): the rewound state keeps the generation it had then, which
 * names exactly its content, and every change after it gets a new one.
 */
export const BUMP_GENERATION_SQL =
  "UPDATE site_state SET value = MAX(value + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) WHERE key = 'generation'";

/** The statement that moves the generation on; it joins the batch of the change it announces. */
export function bumpGeneration(db: Db): D1PreparedStatement {
  return db.prepare(`${BUMP_GENERATION_SQL} RETURNING value`);
}

/** The version as one row, for the end of a write's batch: what that write moved it to. */
export function contentVersionRead(db: Db): D1PreparedStatement {
  return db.prepare(
    "SELECT (SELECT value FROM site_state WHERE key = 'epoch') AS epoch, (SELECT value FROM site_state WHERE key = 'generation') AS generation",
  );
}

const HINT_KEY = 'content-version';

/**
 * The content version as KV last heard it: only for isolates that cannot reach D1, so that they
 * do not serve outputs of a version older than the one the writers announced. Written after each
 * change and set right by the cron every minute, so a lost or reordered write heals by itself.
 */
export async function readVersionHint(kv: KVNamespace): Promise<ContentVersion | null> {
  const hint = await kv.get<ContentVersion>(HINT_KEY, 'json');
  return hint !== null && Number.isSafeInteger(hint.epoch) && Number.isSafeInteger(hint.generation) ? hint : null;
}

export async function storeVersionHint(kv: KVNamespace, version: ContentVersion): Promise<void> {
  await kv.put(HINT_KEY, JSON.stringify({ epoch: version.epoch, generation: version.generation }));
}
