import type { FieldError } from '../domain/validation';

/** The problem types Masthead answers with; each is documented at `/problems/{name}`. */
export const PROBLEMS = {
  'invalid-input': 'The request has invalid input',
  unauthorized: 'A valid bearer token is required',
  forbidden: 'This token’s role may not do that',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'not-acceptable': 'Not acceptable',
  'slug-taken': 'The slug is already taken',
  'number-taken': 'The issue number is already taken',
  'invalid-transition': 'The issue cannot make that change from its current status',
  'idempotency-key-reused': 'The Idempotency-Key was already used for a different request',
  'media-in-use': 'An issue mentions this file',
  'taken-down': 'The file was taken down',
  'delivery-in-progress': 'The webhook delivery is still under way',
  'precondition-required': 'If-Match is required',
  'precondition-failed': 'The issue has changed since you read it',
  'payload-too-large': 'The request body is too large',
  'length-required': 'The request must declare its length',
  'range-not-satisfiable': 'The range is outside the file',
  'unsupported-media-type': 'Unsupported media type',
  'not-implemented': 'Not implemented',
  'rate-limited': 'Too many requests',
  unavailable: 'Temporarily unavailable',
  'internal-error': 'Internal server error',
} as const;
export type ProblemName = keyof typeof PROBLEMS;

export interface ProblemDetails {
  name: ProblemName;
  detail?: string;
  errors?: FieldError[];
}

/** An HTTP failure any layer may throw; the router writes it as problem+json (RFC 9457). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? PROBLEMS[problem.name]);
  }
}

export const invalidInput = (errors: FieldError[], detail = 'See `errors` for each invalid field.') =>
  new HttpError(400, { name: 'invalid-input', detail, errors });

export const notFound = (detail?: string) => new HttpError(404, { name: 'not-found', detail });

export const conflict = (name: ProblemName, detail: string) => new HttpError(409, { name, detail });

/** A file taken down: gone for good, said with when (the reason stays with the editors). */
export const takenDown = (detail: string) => new HttpError(410, { name: 'taken-down', detail });

export const forbidden = (detail: string) => new HttpError(403, { name: 'forbidden', detail });

export const unavailable = (detail: string, retryAfterSeconds = 5) =>
  new HttpError(503, { name: 'unavailable', detail }, { 'Retry-After': String(retryAfterSeconds) });

/** The problem+json response for `error`; `base` makes the `type` URI absolute. */
export function problemResponse(error: HttpError, base: string, instance?: string): Response {
  const { name, detail, errors } = error.problem;
  const body = {
    type: new URL(`/problems/${name}`, base).href,
    title: PROBLEMS[name],
    status: error.status,
    ...(detail === undefined ? {} : { detail }),
    ...(instance === undefined ? {} : { instance }),
    ...(errors === undefined ? {} : { errors }),
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'Content-Type': 'application/problem+json; charset=utf-8', ...error.headers },
  });
}
