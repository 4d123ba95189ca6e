import * as v from 'valibot';
import type { FeedbackRecordSchema } from './responses';
import { CONTROL_CHARS, strictObject } from './validation';

export const COMMENT_MAX_LENGTH = 2000;

/** Optional text fields: an empty string (an untouched form field) counts as absent. */
const emptyAsNull = (value: string) => (value.trim() === '' ? null : value.trim());

const RATING_MESSAGE = 'must be a whole number from 1 to 5';
const rating = v.pipe(
  v.number('must be a number from 1 to 5'),
  v.integer(RATING_MESSAGE),
  v.minValue(1, RATING_MESSAGE),
  v.maxValue(5, RATING_MESSAGE),
);

const FEEDBACK_FIELDS = {
  rating,
  comment: v.optional(
    v.nullable(
      v.pipe(
        v.string('must be a string'),
        v.maxLength(COMMENT_MAX_LENGTH, `must be at most ${COMMENT_MAX_LENGTH} characters`),
        v.check((s) => !CONTROL_CHARS.test(s) && s.isWellFormed(), 'must not contain control characters'),
        v.transform(emptyAsNull),
      ),
    ),
    null,
  ),
  email: v.optional(
    v.nullable(
      v.pipe(
        v.string('must be a string'),
        v.transform(emptyAsNull),
        v.nullable(v.pipe(v.string(), v.maxLength(254, 'must be at most 254 characters'), v.email('must be an e-mail address'))),
      ),
    ),
    null,
  ),
};

/** A reader's feedback: a 1–5 rating, an optional comment and an optional address for an answer. */
export const FeedbackInputSchema = strictObject(FEEDBACK_FIELDS);

/**
 * The same, posted by an HTML form: every field is text (the rating a digit), and our own forms add
 * `from` (page or embed), which says where the thank-you goes.
 */
export const FeedbackFormSchema = strictObject({
  ...FEEDBACK_FIELDS,
  rating: v.pipe(
    v.string('must be a number from 1 to 5'),
    v.regex(/^\d{1,2}$/, 'must be a number from 1 to 5'),
    v.transform(Number),
    rating,
  ),
  from: v.optional(v.string('must be a string')),
});
export type FeedbackInput = v.InferOutput<typeof FeedbackInputSchema>;

/** Feedback as stored: the schema of what editors are shown is its type. */
export type Feedback = v.InferOutput<typeof FeedbackRecordSchema>;

export interface FeedbackSummary {
  issue_id: string;
  count: number;
  /** The mean rating, to two decimals; null with no feedback. */
  average: number | null;
  /** How many readers gave each rating, "1" to "5". */
  distribution: Record<'1' | '2' | '3' | '4' | '5', number>;
}

/** Submissions from one client to one issue within this many minutes collapse into one. */
export const COLLAPSE_WINDOW_MINUTES = 10;

/** The start of the collapse window `at` falls in. */
export function windowStart(at: Date): string {
  const size = COLLAPSE_WINDOW_MINUTES * 60_000;
  return new Date(Math.floor(at.getTime() / size) * size).toISOString();
}
