import * as v from 'valibot';
import { ImportReportSchema } from './email-import';
import { AuthorSchema, TeaserSchema } from './issue';
import { STATUSES } from './status';

/**
 * What the API answers, as valibot schemas: the OpenAPI document is generated from them and the
 * contract tests parse real responses with them, so the two cannot drift apart.
 */

const DateTime = v.pipe(v.string(), v.isoTimestamp());
const NullableDateTime = v.nullable(DateTime);
const Url = v.pipe(v.string(), v.url());

const contentFields = {
  id: v.pipe(v.string(), v.uuid()),
  number: v.pipe(v.number(), v.integer()),
  slug: v.string(),
  title: v.string(),
  subtitle: v.nullable(v.string()),
  summary: v.array(v.string()),
  teasers: v.array(v.object(TeaserSchema.pipe[0].entries)),
  tags: v.array(v.string()),
  authors: v.array(v.object(AuthorSchema.pipe[0].entries)),
  cover: v.nullable(v.strictObject({ url: Url, alt: v.string() })),
  attachments: v.array(
    v.strictObject({ url: Url, title: v.nullable(v.string()), content_type: v.string(), bytes: v.pipe(v.number(), v.integer()) }),
  ),
  canonical_url: v.nullable(Url),
};
/** What API answers carry beside the stored fields. */
const derivedFields = {
  /** `cover.url`, for clients written before `cover` (deprecated). */
  cover_image: v.pipe(v.nullable(Url), v.description('The same as `cover.url` (deprecated: read `cover`).')),
};
const timeFields = {
  language: v.string(),
  published_at: NullableDateTime,
  updated_at: DateTime,
};
const publicFields = { ...contentFields, ...derivedFields, url: Url, ...timeFields };

/** An issue in a reader list (no HTML). */
const PublicIssueSummarySchema = v.pipe(v.strictObject(publicFields), v.title('PublicIssueSummary'));
/** One issue for readers, with its HTML. */
export const PublicIssueSchema = v.pipe(v.strictObject({ ...publicFields, html: v.string() }), v.title('PublicIssue'));

const editorFields = {
  ...publicFields,
  status: v.picklist(STATUSES),
  publish_at: NullableDateTime,
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  created_at: DateTime,
};
/**
 * An issue as Masthead stores it: what editors see but its `url`, which is derived. Its type is
 * the Issue of src/domain/issue.ts.
 */
export const IssueRecordSchema = v.strictObject({
  ...contentFields,
  ...timeFields,
  status: editorFields.status,
  publish_at: editorFields.publish_at,
  version: editorFields.version,
  created_at: editorFields.created_at,
  html: v.string(),
  body: v.string(),
});

/** An issue in an editor list (no HTML, no body). */
const EditorIssueSummarySchema = v.pipe(v.strictObject(editorFields), v.title('EditorIssueSummary'));
/** One issue for editors: everything, the Markdown source included. */
export const EditorIssueSchema = v.pipe(v.strictObject({ ...editorFields, html: v.string(), body: v.string() }), v.title('EditorIssue'));

const Cursor = v.nullable(v.string());
export const PublicIssueListSchema = v.strictObject({ issues: v.array(PublicIssueSummarySchema), next_cursor: Cursor });
export const EditorIssueListSchema = v.strictObject({ issues: v.array(EditorIssueSummarySchema), next_cursor: Cursor });
export const TagListSchema = v.strictObject({
  tags: v.array(v.strictObject({ name: v.string(), count: v.pipe(v.number(), v.integer()), url: Url })),
});

export const RevisionListSchema = v.strictObject({
  revisions: v.array(
    v.strictObject({
      n: v.pipe(v.number(), v.integer()),
      action: v.string(),
      author: v.nullable(v.string()),
      created_at: DateTime,
      issue: v.record(v.string(), v.unknown()),
    }),
  ),
});

export const FeedbackSchema = v.pipe(
  v.strictObject({
    id: v.pipe(v.string(), v.uuid()),
    rating: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
    comment: v.nullable(v.string()),
    email: v.nullable(v.string()),
    created_at: DateTime,
    updated_at: DateTime,
  }),
  v.title('Feedback'),
);
/** Feedback as it is stored and reported to editors: the reader's answer and the issue it is about. */
export const FeedbackRecordSchema = v.strictObject({ ...FeedbackSchema.pipe[0].entries, issue_id: v.string() });

export const FeedbackReportSchema = v.strictObject({
  summaries: v.array(
    v.strictObject({
      issue_id: v.string(),
      count: v.number(),
      average: v.nullable(v.number()),
      distribution: v.strictObject({ 1: v.number(), 2: v.number(), 3: v.number(), 4: v.number(), 5: v.number() }),
    }),
  ),
  feedback: v.array(FeedbackRecordSchema),
  next_cursor: Cursor,
});

export const OEmbedSchema = v.object({
  version: v.literal('1.0'),
  type: v.literal('rich'),
  title: v.string(),
  author_name: v.optional(v.string()),
  provider_name: v.string(),
  provider_url: Url,
  cache_age: v.number(),
  html: v.string(),
  width: v.number(),
  height: v.number(),
});

/** RFC 9457 problem details, as every error is answered. */
export const ProblemSchema = v.pipe(
  v.object({
    type: Url,
    title: v.string(),
    status: v.pipe(v.number(), v.integer()),
    detail: v.optional(v.string()),
    instance: v.optional(v.string()),
    errors: v.optional(v.array(v.strictObject({ path: v.string(), message: v.string() }))),
  }),
  v.title('Problem'),
);

/** `POST /api/v1/admin/imports`: the draft and what the importer made of the newsletter. */
export const ImportResultSchema = v.object({ issue: EditorIssueSchema, report: ImportReportSchema });
