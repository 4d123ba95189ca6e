/**
 * A D1 whose read replicas lag: sessions that may read from any replica ('first-unconstrained',
 * or no constraint) answer every query they have already seen with the answer it had when the
 * replica was frozen, as a replica that has not yet applied the later writes would. Sessions
 * that D1 must serve from the primary or at a bookmark ('first-primary', a bookmark string)
 * read the real, current database: D1 guarantees them writes up to that point.
 *
 * Until `freeze()` it records answers (the replica is in step); after it, it replays them. A
 * `sticky` replica records each query's first answer and replays it from then on: a replica that
 * stopped applying writes at a different moment for each thing it is asked.
 */
export function laggingReplica(
  db: D1Database,
  options: { sticky?: boolean } = {},
): D1Database & { freeze: () => void; replayed: () => number } {
  const seen = new Map<string, unknown>();
  let frozen = false;
  const sticky = options.sticky ?? false;
  let replayed = 0;
  const keyOf = (sql: string, values: unknown[], method: string) => JSON.stringify([sql, values, method]);
  const replicaStatement = (statement: D1PreparedStatement, sql: string, values: unknown[]): D1PreparedStatement => {
    const answer = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
      const key = keyOf(sql, values, method);
      if ((frozen || sticky) && seen.has(key)) {
        replayed++;
        return structuredClone(seen.get(key)) as T;
      }
      const result = await run();
      if (!frozen || sticky) seen.set(key, structuredClone(result));
      return result;
    };
    return {
      bind: (...next: unknown[]) => replicaStatement(statement.bind(...next), sql, next),
      first: (column?: string) =>
        answer(`first:${column ?? ''}`, () => (column === undefined ? statement.first() : statement.first(column))),
      all: () => answer('all', () => statement.all()),
      raw: (options?: { columnNames?: boolean }) =>
        answer(`raw:${String(options?.columnNames)}`, () => statement.raw(options as { columnNames: true })),
      run: () => statement.run(),
      inner: statement,
    } as unknown as D1PreparedStatement;
  };
  const session = (constraint?: string) => {
    const real = db.withSession(constraint);
    const fromReplica = constraint === undefined || constraint === 'first-unconstrained';
    return {
      prepare: (sql: string) => (fromReplica ? replicaStatement(real.prepare(sql), sql, []) : real.prepare(sql)),
      batch: (statements: D1PreparedStatement[]) =>
        real.batch(statements.map((s) => (s as unknown as { inner?: D1PreparedStatement }).inner ?? s)),
      getBookmark: () => real.getBookmark(),
    };
  };
  return {
    ...session(),
    withSession: session,
    freeze: () => void (frozen = true),
    replayed: () => replayed,
  } as unknown as D1Database & { freeze: () => void; replayed: () => number };
}
