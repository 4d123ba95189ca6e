import { laggingReplica } from './lagging-replica';

/**
 * Doubles for production's topology, each wrapping a real binding (see tests/integration/topology.test.ts):
 *
 * - a KV whose reads are cached per location for 60 s (as Cloudflare's edge caches them) and whose
 *   writes land later, in any order, or never (a put can fail after it was accepted);
 * - a D1 that a location may lose (every call throws), with read replicas that lag: sessions that
 *   may read any replica answer from what the location's replica last caught up with.
 */

/** KV reads are cached in a location for this long (Cloudflare's documented default). */
export const KV_READ_CACHE_MS = 60_000;

interface PendingPut {
  /** When the location accepted it. */
  at: number;
  key: string;
  value: string;
  options: KVNamespacePutOptions | undefined;
  dropped: boolean;
}

/** Writes accepted by some location's KV and not yet landed in the central store. */
export class KvWrites {
  pending: PendingPut[] = [];
  constructor(private readonly real: KVNamespace) {}

  /** Lands the pending writes in `order` (indices; the rest wait), skipping dropped ones. */
  async land(order: number[]): Promise<number> {
    const chosen = order.filter((i, at) => i < this.pending.length && order.indexOf(i) === at);
    for (const i of chosen) {
      const put = this.pending[i]!;
      if (!put.dropped) await this.real.put(put.key, put.value, put.options);
    }
    this.pending = this.pending.filter((_, i) => !chosen.includes(i));
    return chosen.length;
  }
}

/** A location's view of KV. `dropNext` makes the next put vanish after it was accepted. */
export function locationKv(real: KVNamespace, writes: KvWrites) {
  const cache = new Map<string, { value: string | null; at: number }>();
  const state = { dropNext: false };
  const read = async (key: string): Promise<string | null> => {
    const hit = cache.get(key);
    if (hit !== undefined && Date.now() - hit.at < KV_READ_CACHE_MS) return hit.value;
    const value = await real.get(key);
    cache.set(key, { value, at: Date.now() });
    return value;
  };
  const kv = {
    get: async (key: string, type?: unknown) => {
      const value = await read(key);
      const kind = typeof type === 'string' ? type : (type as { type?: string } | undefined)?.type;
      return value === null ? null : kind === 'json' ? JSON.parse(value) : value;
    },
    put: async (key: string, value: string, options?: KVNamespacePutOptions) => {
      writes.pending.push({ at: Date.now(), key, value, options, dropped: state.dropNext });
      state.dropNext = false;
      // The location that wrote sees its own write at once.
      cache.set(key, { value, at: Date.now() });
    },
  } as unknown as KVNamespace;
  return { kv, state };
}

/** A location's D1: the real one, which the location may lose, over a lagging replica. */
export function locationD1(real: D1Database) {
  let replica = laggingReplica(real, { sticky: true });
  const state = { down: false };
  const fail = () => Promise.reject(new Error('D1_ERROR: Network connection lost.'));
  const guardStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    ({
      bind: (...values: unknown[]) => guardStatement(statement.bind(...values)),
      first: (column?: string) => (state.down ? fail() : column === undefined ? statement.first() : statement.first(column)),
      all: () => (state.down ? fail() : statement.all()),
      run: () => (state.down ? fail() : statement.run()),
      raw: (options?: { columnNames?: boolean }) => (state.down ? fail() : statement.raw(options as { columnNames: true })),
      inner: (statement as unknown as { inner?: D1PreparedStatement }).inner ?? statement,
    }) as unknown as D1PreparedStatement;
  const session = (constraint?: string) => {
    const inner = replica.withSession(constraint);
    return {
      prepare: (sql: string) => guardStatement(inner.prepare(sql)),
      batch: (statements: D1PreparedStatement[]) => (state.down ? fail() : inner.batch(statements)),
      getBookmark: () => inner.getBookmark(),
    };
  };
  const db = { ...session(), withSession: session } as unknown as D1Database;
  /** The replica applies every write made so far, then lags again. */
  const catchUp = () => {
    replica = laggingReplica(real, { sticky: true });
  };
  return { db, state, catchUp };
}
