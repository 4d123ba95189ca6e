import type * as v from 'valibot';
import { FeedbackInputSchema } from '../../domain/feedback';
import { IssueInputSchema, IssuePatchSchema, PublishRequestSchema } from '../../domain/issue';
import {
  ArchiveQuerySchema,
  EditorListQuerySchema,
  EmbedQuerySchema,
  FeedbackReportQuerySchema,
  FeedbackStateSchema,
  FeedQuerySchema,
  OEmbedQuerySchema,
  PublicListQuerySchema,
} from '../../domain/queries';
import {
  EditorIssueListSchema,
  EditorIssueSchema,
  FeedbackReportSchema,
  FeedbackSchema,
  OEmbedSchema,
  PublicIssueListSchema,
  PublicIssueSchema,
  RevisionListSchema,
  TagListSchema,
} from '../../domain/responses';
import type { Role } from '../../domain/status';

/** A response body: a valibot schema, or a media type whose body is not JSON (HTML, feeds, CSV). */
export type Body = v.GenericSchema | { text: string };

export interface Operation {
  summary: string;
  description?: string;
  tag: 'Readers' | 'Feeds' | 'Pages and embeds' | 'Editors' | 'Feedback';
  /** The lowest role that may call it; absent for public operations. */
  role?: Role;
  query?: v.ObjectSchema<v.ObjectEntries, undefined>;
  /** Request bodies by media type. */
  body?: Record<string, v.GenericSchema>;
  bodyRequired?: boolean;
  headers?: { name: string; required: boolean; description: string }[];
  /** Success responses by status, each by media type. */
  responses: Record<number, { description: string; content?: Record<string, Body> }>;
  /** The error statuses it can answer, besides 400 for bad input where it takes any. */
  errors: number[];
}

const json = (schema: v.GenericSchema) => ({ 'application/json': schema });
const html = { 'text/html': { text: 'An HTML document' } };
const feeds = (type: string) => ({ [type]: { text: 'A feed document' } });
const ifMatch = (required: boolean) => ({
  name: 'If-Match',
  required,
  description: required ? 'The ETag you read; 428 without it, 412 when stale.' : 'The ETag you read; 412 when stale.',
});
const issueBodies = { 'application/json': IssueInputSchema, 'text/markdown': IssueInputSchema };
const one = (description: string) => ({ 200: { description, content: json(EditorIssueSchema) } });
const EDIT_ERRORS = [401, 403, 404, 409, 412, 413, 415];

function feedOps(scope: string): Record<string, Operation> {
  const perTag = scope !== '';
  const base = perTag ? '/tags/{tag}' : '';
  const what = perTag ? "one tag's" : "the site's";
  const op = (format: string, type: string): Operation => ({
    summary: `${format} of ${what} newest issues`,
    description: 'Full content of the newest 20 issues; `?archive=N` gives an RFC 5005 archive page (1 is the oldest).',
    tag: 'Feeds',
    query: FeedQuerySchema,
    responses: { 200: { description: `${format} document`, content: feeds(type) }, 304: { description: 'Not modified' } },
    errors: [404],
  });
  return {
    [`GET ${base}/feed.xml`]: op('RSS 2.0', 'application/rss+xml'),
    [`GET ${base}/atom.xml`]: op('Atom 1.0', 'application/atom+xml'),
    [`GET ${base}/feed.json`]: op('JSON Feed 1.1', 'application/feed+json'),
  };
}

/** Every operation of the API, by "METHOD /path" with OpenAPI-style `{param}`s. */
export const OPERATIONS: Record<string, Operation> = {
  'GET /': {
    summary: 'Archive of published issues (HTML)',
    tag: 'Pages and embeds',
    query: ArchiveQuerySchema,
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [],
  },
  'GET /tags/{tag}': {
    summary: "One tag's archive (HTML)",
    tag: 'Pages and embeds',
    query: ArchiveQuerySchema,
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [404],
  },
  'GET /issues/{slug}': {
    summary: 'One issue (HTML), with its feedback form',
    tag: 'Pages and embeds',
    query: FeedbackStateSchema,
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [404],
  },
  'GET /embed/{slug}': {
    summary: 'An issue for a partner iframe',
    description: 'Framable only by `PARTNER_ORIGINS`.',
    tag: 'Pages and embeds',
    query: EmbedQuerySchema,
    responses: { 200: { description: 'Self-contained HTML document', content: html } },
    errors: [404],
  },
  'GET /embed.js': {
    summary: 'The partner-side snippet that sizes embed iframes',
    tag: 'Pages and embeds',
    responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { text: 'JavaScript' } } } },
    errors: [],
  },
  'GET /oembed': {
    summary: 'oEmbed 1.0 provider for issue page URLs',
    tag: 'Pages and embeds',
    query: OEmbedQuerySchema,
    responses: {
      200: {
        description: 'A `rich` oEmbed response',
        content: { 'application/json': OEmbedSchema, 'text/xml': { text: 'The same, as oEmbed XML' } },
      },
    },
    errors: [404, 501],
  },
  ...feedOps(''),
  ...feedOps('tag'),
  'GET /api/v1/issues': {
    summary: 'Published issues, newest first',
    description: '`q` searches titles, summaries and bodies (Korean included); every term must match.',
    tag: 'Readers',
    query: PublicListQuerySchema,
    responses: { 200: { description: 'A page of issues', content: json(PublicIssueListSchema) } },
    errors: [],
  },
  'GET /api/v1/issues/{slug}': {
    summary: 'One published issue',
    tag: 'Readers',
    responses: { 200: { description: 'The issue with its HTML', content: json(PublicIssueSchema) } },
    errors: [404],
  },
  'GET /api/v1/tags': {
    summary: 'Tags with their counts of published issues',
    tag: 'Readers',
    responses: { 200: { description: 'Tags', content: json(TagListSchema) } },
    errors: [],
  },
  'POST /api/v1/issues/{slug}/feedback': {
    summary: "A reader's feedback on a published issue",
    description:
      'JSON answers 201 (200 when it replaces the same client’s feedback of the last 10 minutes); an HTML form post is answered with a 303 back to a thank-you. 5 a minute per client.',
    tag: 'Feedback',
    body: { 'application/json': FeedbackInputSchema, 'application/x-www-form-urlencoded': FeedbackInputSchema },
    bodyRequired: true,
    responses: {
      201: { description: 'Recorded', content: json(FeedbackSchema) },
      200: { description: 'Replaced an earlier submission', content: json(FeedbackSchema) },
      303: { description: 'Form post: back to the thank-you' },
    },
    errors: [404, 413, 415, 429],
  },
  'POST /api/v1/admin/issues': {
    summary: 'Create a draft',
    tag: 'Editors',
    role: 'contributor',
    body: issueBodies,
    bodyRequired: true,
    headers: [{ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result (24 hours).' }],
    responses: { 201: { description: 'Created; Location and ETag set', content: json(EditorIssueSchema) } },
    errors: [401, 403, 409, 413, 415],
  },
  'GET /api/v1/admin/issues': {
    summary: 'All issues, drafts included',
    tag: 'Editors',
    role: 'contributor',
    query: EditorListQuerySchema,
    responses: { 200: { description: 'A page of issues', content: json(EditorIssueListSchema) } },
    errors: [401],
  },
  'GET /api/v1/admin/issues/{id}': {
    summary: 'One issue, with its ETag',
    tag: 'Editors',
    role: 'contributor',
    responses: one('The issue'),
    errors: [401, 404],
  },
  'PUT /api/v1/admin/issues/{id}': {
    summary: 'Replace an issue',
    tag: 'Editors',
    role: 'contributor',
    body: issueBodies,
    bodyRequired: true,
    headers: [ifMatch(true)],
    responses: one('The new version'),
    errors: [...EDIT_ERRORS, 428],
  },
  'PATCH /api/v1/admin/issues/{id}': {
    summary: 'Change some fields (JSON Merge Patch)',
    tag: 'Editors',
    role: 'contributor',
    body: { 'application/merge-patch+json': IssuePatchSchema },
    bodyRequired: true,
    headers: [ifMatch(true)],
    responses: one('The new version'),
    errors: [...EDIT_ERRORS, 428],
  },
  'DELETE /api/v1/admin/issues/{id}': {
    summary: 'Archive an issue (nothing is destroyed)',
    tag: 'Editors',
    role: 'admin',
    headers: [ifMatch(true)],
    responses: one('The archived issue'),
    errors: [401, 403, 404, 409, 412, 428],
  },
  'POST /api/v1/admin/issues/{id}/publish': {
    summary: 'Publish now, or schedule with `at`',
    tag: 'Editors',
    role: 'editor',
    body: json(PublishRequestSchema),
    headers: [ifMatch(false)],
    responses: one('Published or scheduled'),
    errors: EDIT_ERRORS,
  },
  'POST /api/v1/admin/issues/{id}/unpublish': {
    summary: 'Back to draft, off every reader path',
    tag: 'Editors',
    role: 'editor',
    headers: [ifMatch(false)],
    responses: one('The draft'),
    errors: [401, 403, 404, 409, 412],
  },
  'GET /api/v1/admin/issues/{id}/revisions': {
    summary: 'Every saved version, newest first',
    tag: 'Editors',
    role: 'contributor',
    responses: { 200: { description: 'Revisions', content: json(RevisionListSchema) } },
    errors: [401, 404],
  },
  'POST /api/v1/admin/issues/{id}/revisions/{n}/restore': {
    summary: 'Make revision n current again, as a new revision',
    tag: 'Editors',
    role: 'editor',
    headers: [ifMatch(false)],
    responses: one('The new version'),
    errors: [401, 403, 404, 409, 412],
  },
  'GET /api/v1/admin/feedback': {
    summary: "Readers' feedback: per-issue summaries, latest comments, CSV export",
    tag: 'Feedback',
    role: 'editor',
    query: FeedbackReportQuerySchema,
    responses: {
      200: {
        description: 'The report',
        content: { 'application/json': FeedbackReportSchema, 'text/csv': { text: 'CSV with a header row' } },
      },
    },
    errors: [401, 403, 404],
  },
  'GET /api/v1/openapi.json': {
    summary: 'This document',
    tag: 'Readers',
    responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { text: 'OpenAPI 3.1 document' } } } },
    errors: [],
  },
  'GET /docs': {
    summary: 'A readable reference of this document',
    tag: 'Readers',
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [],
  },
  'GET /problems/{name}': {
    summary: 'What a problem type means',
    tag: 'Readers',
    responses: { 200: { description: 'Plain text', content: { 'text/plain': { text: 'Plain text' } } } },
    errors: [404],
  },
};
