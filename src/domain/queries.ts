import * as v from 'valibot';
import { decodeCursor, INVALID_CURSOR, parseSealedCursor, type SealedCursor } from './cursor';
import { StatusSchema, TagSchema } from './issue';
import { searchTerms } from './search-text';
import { LINE_BREAKS_AND_CONTROLS } from './validation';
import { DELIVERY_STATUSES } from './webhook';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

const LimitSchema = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^[1-9]\d{0,2}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    v.transform(Number),
    v.maxValue(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
  ),
  String(DEFAULT_PAGE_SIZE),
);

const CursorSchema = v.optional(
  v.pipe(
    v.string(),
    v.transform(decodeCursor),
    v.check((cursor) => cursor !== null, INVALID_CURSOR.message),
  ),
);

/**
 * A reader's cursor: sealed by this site, because it names a cached page (the seal is checked
 * where the page is rendered, see services/cursors.ts).
 */
const SealedCursorSchema = v.optional(
  v.pipe(
    v.string(),
    v.transform(parseSealedCursor),
    v.check((cursor) => cursor !== null, INVALID_CURSOR.message),
    v.transform((cursor) => cursor as SealedCursor),
  ),
);

/** Search text: up to 8 terms, split on white space. */
const SearchSchema = v.optional(
  v.pipe(
    v.string(),
    v.maxLength(200, 'must be at most 200 characters'),
    v.check((q) => !LINE_BREAKS_AND_CONTROLS.test(q), 'must not contain control characters'),
    v.transform(searchTerms),
    v.maxLength(8, 'must have at most 8 terms'),
  ),
);

/** `GET /api/v1/issues?limit=&cursor=&tag=&q=` */
export const PublicListQuerySchema = v.object({
  limit: LimitSchema,
  cursor: SealedCursorSchema,
  tag: v.optional(TagSchema),
  q: SearchSchema,
});

/** `GET /api/v1/admin/issues?status=&slug=&limit=&cursor=` (`slug`: the one issue with it, for tools such as `npm run push`) */
export const EditorListQuerySchema = v.object({
  limit: LimitSchema,
  cursor: CursorSchema,
  status: v.optional(StatusSchema),
  slug: v.optional(v.pipe(v.string(), v.maxLength(100, 'must be at most 100 characters'))),
});

/** `?archive=N` on a feed: an RFC 5005 archive page. */
export const FeedQuerySchema = v.object({
  archive: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,8}$/, 'must be an archive page number from 1'), v.transform(Number))),
});

/** `GET /search?q=&cursor=`: the reader's words as typed (shown back in the box), and a page cursor. */
export const SearchPageQuerySchema = v.object({
  // A page takes what a reader pastes: line breaks and controls become spaces, the first 200
  // characters are kept, and the page searches the first 8 terms (the API refuses more, with a 400).
  q: v.optional(
    v.pipe(
      v.string(),
      v.transform((q) => [...q.replace(new RegExp(LINE_BREAKS_AND_CONTROLS.source, 'gu'), ' ')].slice(0, 200).join('')),
    ),
    '',
  ),
  cursor: SealedCursorSchema,
});

/** `?cursor=` on the HTML archives. */
export const ArchiveQuerySchema = v.object({ cursor: SealedCursorSchema });

/** `?feedback=thanks`: where a feedback form post comes back to. */
export const FeedbackStateSchema = v.object({ feedback: v.optional(v.picklist(['thanks'], 'must be thanks')) });

/**
 * `GET /issues/{slug}?feedback=&ref=`: `ref` is the referral marker of a partner widget's link (the
 * partner's key); it is counted as a click-through and does not select a different page.
 */
export const IssuePageQuerySchema = v.object({
  ...FeedbackStateSchema.entries,
  ref: v.optional(v.pipe(v.string(), v.maxLength(100, 'must be at most 100 characters'))),
});

/**
 * `?partner=`: the partner key a widget's snippet carries. Not checked here: a key that is not a
 * current partner's is counted as unattributed, and the widget works all the same.
 */
const partner = v.optional(v.pipe(v.string(), v.maxLength(100, 'must be at most 100 characters')));
const view = v.optional(v.picklist(['full', 'card'], 'must be full or card'), 'full');
const theme = v.optional(v.picklist(['light', 'dark', 'auto'], 'must be light, dark or auto'), 'auto');

/** `GET /embed/{slug}?view=&theme=&partner=` */
export const EmbedQuerySchema = v.object({ view, theme, partner, ...FeedbackStateSchema.entries });

/** `GET /embed/latest?tag=&view=&theme=&partner=`: the newest published issue (of a tag). */
export const LatestEmbedQuerySchema = v.object({ tag: v.optional(TagSchema), view, theme, partner });

/** `GET /embed/list?tag=&limit=&theme=&partner=`: the newest published issues (of a tag), as a list. */
export const ListEmbedQuerySchema = v.object({
  tag: v.optional(TagSchema),
  limit: v.optional(v.pipe(v.string(), v.regex(/^(?:[1-9]|10)$/, 'must be a whole number from 1 to 10'), v.transform(Number)), '5'),
  theme,
  partner,
});

const pixels = (name: string) =>
  v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,4}$/, `${name} must be a whole number of pixels from 1`), v.transform(Number)));

/** `GET /oembed?url=&format=&maxwidth=&maxheight=` */
export const OEmbedQuerySchema = v.object({
  url: v.pipe(
    v.string('is required'),
    v.check((s: string) => URL.canParse(s), 'must be an absolute URL'),
  ),
  format: v.optional(v.string(), 'json'),
  maxwidth: pixels('maxwidth'),
  maxheight: pixels('maxheight'),
});

/** `GET /api/v1/admin/feedback?issue=&cursor=&limit=&format=` */
export const FeedbackReportQuerySchema = v.object({
  issue: v.optional(v.pipe(v.string(), v.uuid('must be an issue id'))),
  cursor: CursorSchema,
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9]\d{0,3}$/, 'must be a whole number from 1 to 5000'),
      v.transform(Number),
      v.maxValue(5000, 'must be a whole number from 1 to 5000'),
    ),
  ),
  format: v.optional(v.picklist(['json', 'csv'], 'must be json or csv'), 'json'),
});

/** `GET /api/v1/admin/media?limit=&cursor=` */
export const MediaListQuerySchema = v.object({ limit: LimitSchema, cursor: CursorSchema });

/** `GET /api/v1/admin/webhooks/{id}/deliveries?status=&limit=&cursor=` */
export const DeliveryListQuerySchema = v.object({
  status: v.optional(v.picklist(DELIVERY_STATUSES, `must be one of ${DELIVERY_STATUSES.join(', ')}`)),
  limit: LimitSchema,
  cursor: CursorSchema,
});

/** `POST /api/v1/admin/imports?campaign_parameters=` */
export const ImportQuerySchema = v.object({
  campaign_parameters: v.optional(v.picklist(['strip', 'keep'], 'must be strip or keep'), 'strip'),
});
