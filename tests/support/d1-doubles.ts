/**
 * Stand-ins for the D1 binding, for fault injection and for counting what a request asks of D1.
 * They wrap or replace `withSession`, which is how the Worker reaches D1.
 */

/** A D1 every call of which answers with `answer()`. */
function brokenD1(answer: () => Promise<never>): D1Database {
  const statement = { bind: () => statement, first: answer, all: answer, run: answer, raw: answer };
  const session = { prepare: () => statement, batch: answer, getBookmark: () => null };
  return { ...session, exec: answer, withSession: () => session, dump: answer } as unknown as D1Database;
}

/** A D1 whose every query fails, as when the database is unreachable. */
export const throwingD1 = () => brokenD1(() => Promise.reject(new Error('D1_ERROR: Network connection lost.')));

/** A D1 that never answers. */
export const silentD1 = () => brokenD1(() => new Promise<never>(() => {}));

export interface QueryLog {
  sql: string;
  rowsRead: number;
  /** Characters of text in the rows D1 returned: what crossed from D1 into the Worker. */
  chars?: number;
}

/** Characters of the text values in `rows`. */
const textChars = (rows: readonly unknown[]): number =>
  rows.reduce<number>(
    (sum, row) =>
      sum + Object.values(row as Record<string, unknown>).reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 0), 0),
    0,
  );

/** The real D1, with every statement it runs written to `log` (with the rows SQLite read for it). */
export function countingD1(db: D1Database, log: QueryLog[]): D1Database {
  const wrapStatement = (statement: D1PreparedStatement, sql: string): D1PreparedStatement =>
    ({
      bind: (...values: unknown[]) => wrapStatement(statement.bind(...values), sql),
      first: async (column?: string) => {
        const result = await statement.all();
        log.push({ sql, rowsRead: result.meta.rows_read, chars: textChars(result.results) });
        const row = result.results[0] as Record<string, unknown> | undefined;
        return row === undefined ? null : column === undefined ? row : row[column];
      },
      all: async () => {
        const result = await statement.all();
        log.push({ sql, rowsRead: result.meta.rows_read, chars: textChars(result.results) });
        return result;
      },
      run: async () => {
        const result = await statement.run();
        log.push({ sql, rowsRead: result.meta.rows_read });
        return result;
      },
      raw: statement.raw.bind(statement),
      inner: statement,
    }) as unknown as D1PreparedStatement;
  const session = (constraint?: string) => {
    const real = db.withSession(constraint);
    return {
      prepare: (sql: string) => wrapStatement(real.prepare(sql), sql),
      batch: async (statements: D1PreparedStatement[]) => {
        log.push({ sql: 'batch', rowsRead: 0 });
        return real.batch(statements.map((s) => (s as unknown as { inner: D1PreparedStatement }).inner ?? s));
      },
      getBookmark: () => real.getBookmark(),
    };
  };
  return { ...session(), withSession: session } as unknown as D1Database;
}

/**
 * The real D1 until its `n`th call (a query or a batch, counted from 1), which fails: by throwing
 * or by never answering. `calls()` tells how many calls were made.
 */
export function d1FailingAt(db: D1Database, n: number, mode: 'throw' | 'hang' = 'throw'): D1Database & { calls: () => number } {
  let count = 0;
  const gate = <T>(run: () => Promise<T>): Promise<T> => {
    count += 1;
    if (count === n) return mode === 'throw' ? Promise.reject(new Error('D1_ERROR: injected fault')) : new Promise<never>(() => {});
    return run();
  };
  const wrapStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    ({
      bind: (...values: unknown[]) => wrapStatement(statement.bind(...values)),
      first: (column?: string) => gate(() => (column === undefined ? statement.first() : statement.first(column))),
      all: () => gate(() => statement.all()),
      run: () => gate(() => statement.run()),
      raw: () => gate(() => statement.raw()),
      inner: statement,
    }) as unknown as D1PreparedStatement;
  const session = (constraint?: string) => {
    const real = db.withSession(constraint);
    return {
      prepare: (sql: string) => wrapStatement(real.prepare(sql)),
      batch: (statements: D1PreparedStatement[]) =>
        gate(() => real.batch(statements.map((s) => (s as unknown as { inner: D1PreparedStatement }).inner ?? s))),
      getBookmark: () => real.getBookmark(),
    };
  };
  return { ...session(), withSession: session, calls: () => count } as unknown as D1Database & { calls: () => number };
}

/** A KV namespace whose every call fails. */
export function throwingKV(): KVNamespace {
  const fail = () => Promise.reject(new Error('KV: injected fault'));
  return { get: fail, put: fail, delete: fail, list: fail, getWithMetadata: fail } as unknown as KVNamespace;
}
