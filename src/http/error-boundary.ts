import { StorageUnavailable } from '../domain/errors';
import type { Middleware } from './middleware';
import { HttpError, problemResponse, unavailable } from './problem';

/**
 * What a 503 can truthfully say. A read changed nothing. A write's batch may have committed before
 * its answer was lost (D1 erred or fell silent after it ran), so its outcome is unknown: the
 * answer says so, and how to retry without doing it twice.
 */
function unavailableDetail(method: string, pathname: string): string {
  if (method === 'GET' || method === 'HEAD') return 'The database is unavailable; try again shortly.';
  if (pathname.endsWith('/feedback')) {
    return "The database did not confirm your feedback: it may have been recorded, or not. Sending it again is safe: the same reader's repeats within 10 minutes count once.";
  }
  return (
    'The database did not confirm the change: it may have been saved, or not. Read the issue before you repeat it. ' +
    'A create sent again with the same Idempotency-Key returns the issue if it was made; a change sent again with the ' +
    'same If-Match is refused with 412 if it was saved; a change sent without If-Match may be made twice.'
  );
}

/** The problem+json answer to a thrown error. */
function toProblem(error: unknown, request: Request, siteUrl: string): Response {
  const instance = new URL(request.url).pathname;
  if (error instanceof HttpError) return problemResponse(error, siteUrl, instance);
  if (error instanceof StorageUnavailable) {
    console.error('d1 unavailable', request.method, instance, error.cause);
    return problemResponse(unavailable(unavailableDetail(request.method, instance)), siteUrl, instance);
  }
  // Unknown failures are logged with their stack and answered without leaking any of it.
  console.error('unhandled error', request.method, instance, error);
  const internal = new HttpError(500, { name: 'internal-error', detail: 'Something went wrong on our side; it has been logged.' });
  return problemResponse(internal, siteUrl);
}

/** Every error thrown below becomes a problem+json answer: HttpError as it says, D1 out 503, the rest 500. */
export function errorBoundary(siteUrl: string): Middleware {
  return async (request, next) => {
    try {
      return await next(request);
    } catch (error) {
      return toProblem(error, request, siteUrl);
    }
  };
}
