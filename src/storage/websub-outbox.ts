import type { Db } from './db';

/** Statements that queue a ping for each topic, due at `dueAt` (a later change moves it later). */
export function queuePings(db: Db, topics: readonly string[], dueAt: string): D1PreparedStatement[] {
  return topics.map((topic) =>
    db
      .prepare(
        'INSERT INTO websub_outbox (topic, due_at, attempts) VALUES (?, ?, 0) ON CONFLICT (topic) DO UPDATE SET due_at = excluded.due_at, attempts = 0',
      )
      .bind(topic, dueAt),
  );
}

export interface QueuedPing {
  topic: string;
  due_at: string;
  attempts: number;
}

/** The pings due at `now`, oldest first. */
export async function duePings(db: Db, now: string, limit = 100): Promise<QueuedPing[]> {
  const { results } = await db
    .prepare('SELECT topic, due_at, attempts FROM websub_outbox WHERE due_at <= ? ORDER BY due_at LIMIT ?')
    .bind(now, limit)
    .all<QueuedPing>();
  return results;
}

/** Removes a ping that was sent; one queued again since (a newer change) stays. */
export async function removePing(db: Db, ping: QueuedPing): Promise<void> {
  await db.prepare('DELETE FROM websub_outbox WHERE topic = ? AND due_at = ?').bind(ping.topic, ping.due_at).run();
}

/** Counts a failed run of a ping and leaves it for the next cron run. */
export async function countFailedPing(db: Db, ping: QueuedPing): Promise<void> {
  await db.prepare('UPDATE websub_outbox SET attempts = attempts + 1 WHERE topic = ? AND due_at = ?').bind(ping.topic, ping.due_at).run();
}
