/**
 * Failures every layer may meet and the HTTP layer answers: storage raises them, services pass
 * them on or fall back, the error boundary (src/http/error-boundary.ts) turns them into a 503.
 */

/** D1 could not be reached or did not answer: the request may be retried. */
export class StorageUnavailable extends Error {
  constructor(cause: unknown) {
    super('the database is unavailable', { cause });
  }
}
