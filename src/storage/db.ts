import { StorageUnavailable } from '../domain/errors';

/** What storage needs of D1: a database or a Sessions API session. */
export type Db = Pick<D1Database, 'prepare' | 'batch'>;

/** How long a D1 call may take before it counts as unavailable. */
const D1_TIMEOUT_MS = 5_000;

/** Errors that are about the SQL or the data, not the binding: they keep their own meaning. */
const QUERY_ERRORS = /constraint failed|SQLITE_CONSTRAINT|SQLITE_ERROR|no such (?:table|column)|syntax error/i;

async function guard<T>(call: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageUnavailable(new Error(`no answer within ${D1_TIMEOUT_MS} ms`))), D1_TIMEOUT_MS);
  });
  try {
    return await Promise.race([call(), timeout]);
  } catch (error) {
    if (error instanceof StorageUnavailable) throw error;
    const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error);
    throw QUERY_ERRORS.test(message) ? error : new StorageUnavailable(error);
  } finally {
    clearTimeout(timer);
  }
}

const inner = new WeakMap<object, D1PreparedStatement>();

function wrapStatement(statement: D1PreparedStatement): D1PreparedStatement {
  const wrapped = {
    bind: (...values: unknown[]) => wrapStatement(statement.bind(...values)),
    first: (column?: string) => guard(() => (column === undefined ? statement.first() : statement.first(column))),
    all: () => guard(() => statement.all()),
    run: () => guard(() => statement.run()),
    raw: (options?: { columnNames?: boolean }) => guard(() => statement.raw(options as { columnNames: true })),
  } as unknown as D1PreparedStatement;
  inner.set(wrapped, statement);
  return wrapped;
}

/**
 * Wraps D1 so that a failing or silent binding surfaces as StorageUnavailable (answered 503, or
 * with stale output for readers), while constraint and SQL errors keep their own meaning.
 */
export function guarded(db: Db): Db {
  return {
    prepare: (sql: string) => wrapStatement(db.prepare(sql)),
    batch: <T>(statements: D1PreparedStatement[]) => guard(() => db.batch<T>(statements.map((s) => inner.get(s) ?? s))),
  } as Db;
}
