import { DurableObject } from 'cloudflare:workers';
import type { UsageDay, UsageEvent } from '../domain/usage';
import { addUsage, collapseReaders, createUsageTables, readUsage } from '../storage/usage';

/** How long counts gather in memory before they are written, in one transaction. */
export const FLUSH_MS = 10_000;

/**
 * One partner's usage (or the unattributed usage): a Durable Object named by the partner key, so
 * every view of its widgets, from any location, is added up in one place. Counts gather in memory
 * and are written to the object's own SQLite storage in one transaction every FLUSH_MS (and before
 * usage is read), so a view costs no D1 write and no storage write of its own.
 *
 * A count is lost if the object is evicted between a view and its flush (acceptable); it is never
 * counted twice: the pending counts are cleared only once the transaction that adds them commits.
 */
export class UsageCounter extends DurableObject<Env> {
  private counts = new Map<string, Map<string, number>>();
  private readers = new Map<string, Set<string>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    createUsageTables(ctx.storage.sql);
  }

  /** Counts one event of `day` (UTC, YYYY-MM-DD); `reader` is the day's client hash, when there is one. */
  async record(day: string, event: UsageEvent, reader: string | null): Promise<void> {
    const kind = event.kind === 'view' ? event.widget : 'click';
    const kinds = this.counts.get(day) ?? new Map<string, number>();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    this.counts.set(day, kinds);
    if (reader !== null) {
      const hashes = this.readers.get(day) ?? new Set<string>();
      hashes.add(reader);
      this.readers.set(day, hashes);
    }
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FLUSH_MS);
  }

  /** Usage from `from` to `to` (inclusive), with what is still in memory written first. */
  async usage(from: string, to: string): Promise<UsageDay[]> {
    this.flush();
    return readUsage(this.ctx.storage.sql, from, to);
  }

  override async alarm(): Promise<void> {
    this.flush();
  }

  private flush(): void {
    if (this.counts.size === 0 && this.readers.size === 0) return;
    const { counts, readers } = this;
    // Readers of the day before yesterday and older are kept as a count only (a day's late events
    // have a day's slack to arrive before their hashes go).
    const before = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    this.ctx.storage.transactionSync(() => {
      addUsage(this.ctx.storage.sql, counts, readers);
      collapseReaders(this.ctx.storage.sql, before);
    });
    this.counts = new Map();
    this.readers = new Map();
  }
}
