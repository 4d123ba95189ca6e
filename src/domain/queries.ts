import * as v from 'valibot';
import { decodeCursor, INVALID_CURSOR } from './cursor';
import { StatusSchema, TagSchema } from './issue';
import { LINE_BREAKS_AND_CONTROLS } from './validation';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const LimitSchema = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^[1-9]\d{0,2}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    v.transform(Number),
    v.maxValue(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
  ),
  String(DEFAULT_PAGE_SIZE),
);

export const CursorSchema = v.optional(
  v.pipe(
    v.string(),
    v.transform(decodeCursor),
    v.check((cursor) => cursor !== null, INVALID_CURSOR.message),
  ),
);

/** Search text: up to 8 terms, split on white space. */
const SearchSchema = v.optional(
  v.pipe(
    v.string(),
    v.maxLength(200, 'must be at most 200 characters'),
    v.check((q) => !LINE_BREAKS_AND_CONTROLS.test(q), 'must not contain control characters'),
    v.transform((q) => q.normalize('NFC').split(/\s+/u).filter((term) => term !== '')),
    v.maxLength(8, 'must have at most 8 terms'),
  ),
);

/** `GET /api/v1/issues?limit=&cursor=&tag=&q=` */
export const PublicListQuerySchema = v.object({
  limit: LimitSchema,
  cursor: CursorSchema,
  tag: v.optional(TagSchema),
  q: SearchSchema,
});

/** `GET /api/v1/admin/issues?status=&limit=&cursor=` */
export const EditorListQuerySchema = v.object({
  limit: LimitSchema,
  cursor: CursorSchema,
  status: v.optional(StatusSchema),
});
