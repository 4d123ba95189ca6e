import { type IRequest, Router } from 'itty-router';
import type { RequestContext } from './config';
import { FeedbackFormSchema, FeedbackInputSchema } from './domain/feedback';
import { IssuePatchSchema, PublishRequestSchema } from './domain/issue';
import { MediaListSchema, MediaSchema, TakedownInputSchema } from './domain/media';
import {
  PartnerInputSchema,
  PartnerListQuerySchema,
  PartnerListSchema,
  PartnerPatchSchema,
  PartnerSchema,
  SnippetQuerySchema,
} from './domain/partner';
import {
  ArchiveQuerySchema,
  DeliveryListQuerySchema,
  EditorListQuerySchema,
  EmbedQuerySchema,
  FeedbackReportQuerySchema,
  ImportQuerySchema,
  IssuePageQuerySchema,
  LatestEmbedQuerySchema,
  ListEmbedQuerySchema,
  MediaListQuerySchema,
  OEmbedQuerySchema,
  PublicListQuerySchema,
  SearchPageQuerySchema,
} from './domain/queries';
import {
  EditorIssueListSchema,
  EditorIssueSchema,
  FeedbackReportSchema,
  FeedbackSchema,
  ImportResultSchema,
  OEmbedSchema,
  PublicIssueListSchema,
  PublicIssueSchema,
  RevisionListSchema,
  TagListSchema,
} from './domain/responses';
import { PartnerUsageSchema, UsageQuerySchema, UsageSummarySchema } from './domain/usage';
import {
  CreatedWebhookSchema,
  DeliveryListSchema,
  DeliverySchema,
  RecoveredSchema,
  RecoverInputSchema,
  WebhookInputSchema,
  WebhookListSchema,
  WebhookPatchSchema,
  WebhookSchema,
} from './domain/webhook';
import { HttpError } from './http/problem';
import { EDIT_ERRORS, feedDoc, html, ifMatch, issueBodies, json, one } from './render/openapi/operation';
import * as admin from './routes/admin-issues';
import * as discovery from './routes/discovery';
import * as apiDocs from './routes/docs';
import * as embeds from './routes/embeds';
import * as feedback from './routes/feedback';
import * as feeds from './routes/feeds';
import * as imports from './routes/imports';
import * as media from './routes/media';
import * as pages from './routes/pages';
import * as partners from './routes/partners';
import { describeProblem } from './routes/problems';
import * as publicApi from './routes/public-api';
import { checked, type Handler, type Route, route } from './routes/route';
import { staticFile } from './routes/static-files';
import * as webhooks from './routes/webhooks';

/** The three feeds of a scope (the site's, or one tag's at `/tags/:tag`). */
function feedRoutes(base: string, handlers: Record<'rss' | 'atom' | 'json', Handler<ReturnType<typeof feedDoc>>>): Route[] {
  const perTag = base !== '';
  return [
    route('GET', `${base}/feed.xml`, handlers.rss, feedDoc(perTag, 'RSS 2.0', 'application/rss+xml')),
    route('GET', `${base}/atom.xml`, handlers.atom, feedDoc(perTag, 'Atom 1.0', 'application/atom+xml')),
    route('GET', `${base}/feed.json`, handlers.json, feedDoc(perTag, 'JSON Feed 1.1', 'application/feed+json')),
  ];
}

/** Where editors upload media: its body limit is MAX_MEDIA_BYTES, not the 1 MiB of the rest (index.ts). */
export const MEDIA_UPLOAD_PATH = '/api/v1/admin/media';
export const IMPORT_PATH = '/api/v1/admin/imports';

/**
 * Every route Masthead serves, declared once: the router, its 405 answers, the checks made before
 * a handler runs (token and role, query, body; see routes/route.ts) and the API document
 * (/api/v1/openapi.json, rendered at /docs) are all built from this table.
 */
export const ROUTES: readonly Route[] = [
  route('GET', '/', pages.home, {
    summary: 'Archive of published issues (HTML)',
    description: 'Newest first, 20 a page; the head links the feeds (`<link rel="alternate">`).',
    tag: 'Pages and embeds',
    query: ArchiveQuerySchema,
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [],
  }),
  route('GET', '/search', pages.search, {
    summary: 'Search page (HTML): published issues with every term, matches marked',
    description:
      'The same search as `GET /api/v1/issues?q=` (title, summary and body; Korean too), 10 a page with a cursor, each result with an excerpt around its first match. No JavaScript.',
    tag: 'Pages and embeds',
    query: SearchPageQuerySchema,
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [400],
  }),
  route('GET', '/tags', pages.tagIndex, {
    summary: 'Every tag with its count of published issues (HTML)',
    tag: 'Pages and embeds',
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [],
  }),
  route('GET', '/tags/:tag', pages.tagArchive, {
    summary: "One tag's archive (HTML)",
    tag: 'Pages and embeds',
    query: ArchiveQuerySchema,
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [404],
  }),
  // Before /issues/:slug, which would take "x.md" for a slug (no slug has a dot).
  route('GET', '/issues/:slug.md', pages.issueMarkdownFile, {
    summary: 'One issue as Markdown, for agents and tools',
    description:
      'YAML front matter (title, url, dates, authors, tags, summary, cover, attachments, teasers: the API’s field names), then the editor’s Markdown. The issue page answers the same to `Accept: text/markdown`.',
    tag: 'Pages and embeds',
    responses: { 200: { description: 'Markdown', content: { 'text/markdown': { text: 'Markdown with YAML front matter' } } } },
    errors: [404],
  }),
  route('GET', '/issues/:slug', pages.issuePage, {
    summary: 'One issue (HTML), with its feedback form',
    description:
      'With oEmbed discovery, Open Graph tags and JSON-LD. With `Accept: text/markdown` (named, and at least as high as `text/html`), the issue as Markdown, as `/issues/{slug}.md` answers.',
    tag: 'Pages and embeds',
    query: IssuePageQuerySchema,
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [404],
  }),
  // Before /embed/:slug, which would take "latest" and "list" for slugs (no issue may have them).
  route('GET', '/embed/latest', embeds.latest, {
    summary: 'The newest published issue (of a tag), for a partner iframe',
    description:
      'Moves with each publish. `partner` is the key from the partner’s snippet: views are counted for it, and its links carry it. Framable only by the partners’ origins and `PARTNER_ORIGINS`.',
    tag: 'Pages and embeds',
    query: LatestEmbedQuerySchema,
    responses: { 200: { description: 'Self-contained HTML document', content: html } },
    errors: [404],
  }),
  route('GET', '/embed/list', embeds.list, {
    summary: 'The newest published issues (of a tag) as a compact list, for a partner iframe',
    description: 'Title, date, first summary point and link of each. `partner` as for `/embed/latest`.',
    tag: 'Pages and embeds',
    query: ListEmbedQuerySchema,
    responses: { 200: { description: 'Self-contained HTML document', content: html } },
    errors: [404],
  }),
  route('GET', '/embed/:slug', embeds.embed, {
    summary: 'An issue for a partner iframe',
    description: 'Framable only by the partners’ origins and `PARTNER_ORIGINS`. `partner` as for `/embed/latest`.',
    tag: 'Pages and embeds',
    query: EmbedQuerySchema,
    responses: { 200: { description: 'Self-contained HTML document', content: html } },
    errors: [404],
  }),
  route('GET', '/embed.js', embeds.partnerScript, {
    summary: 'The partner-side snippet that sizes embed iframes',
    tag: 'Pages and embeds',
    responses: { 200: { description: 'JavaScript', content: { 'text/javascript': { text: 'JavaScript' } } } },
    errors: [],
  }),
  route('GET', '/oembed', embeds.oembed, {
    summary: 'oEmbed 1.0 provider for issue pages (the issue), the home page and tag pages (the list widget)',
    tag: 'Pages and embeds',
    query: OEmbedQuerySchema,
    responses: {
      200: {
        description: 'A `rich` oEmbed response',
        content: { 'application/json': OEmbedSchema, 'text/xml': { text: 'The same, as oEmbed XML' } },
      },
    },
    errors: [404, 501],
  }),
  route('GET', '/sitemap.xml', discovery.sitemap, {
    summary: 'Sitemap of every page (sitemaps.org 0.9)',
    description:
      'The home page, each tag’s page and every published issue, each with `lastmod` from its last change. Past 50,000 URLs, a sitemap index of `/sitemap-{n}.xml`.',
    tag: 'Discovery',
    responses: { 200: { description: 'Sitemap or sitemap index', content: { 'application/xml': { text: 'XML' } } } },
    errors: [],
  }),
  route('GET', '/sitemap-:n.xml', discovery.sitemapPage, {
    summary: 'One child sitemap of the index',
    tag: 'Discovery',
    responses: { 200: { description: 'Sitemap', content: { 'application/xml': { text: 'XML' } } } },
    errors: [404],
  }),
  route('GET', '/robots.txt', discovery.robots, {
    summary: 'robots.txt: everything public may be crawled, the editor API not; the sitemap',
    tag: 'Discovery',
    responses: { 200: { description: 'Text', content: { 'text/plain': { text: 'robots.txt' } } } },
    errors: [],
  }),
  route('GET', '/llms.txt', discovery.llmsTxt, {
    summary: 'llms.txt: the newsletter and its latest issues, linked to their Markdown',
    tag: 'Discovery',
    responses: { 200: { description: 'Markdown', content: { 'text/markdown': { text: 'llms.txt' } } } },
    errors: [],
  }),
  ...feedRoutes('', { rss: feeds.rss, atom: feeds.atom, json: feeds.jsonFeed }),
  ...feedRoutes('/tags/:tag', { rss: feeds.tagRss, atom: feeds.tagAtom, json: feeds.tagJsonFeed }),
  route('GET', '/api/v1/issues', publicApi.listIssues, {
    summary: 'Published issues, newest first',
    description: '`q` searches titles, summaries and bodies (Korean included); every term must match.',
    tag: 'Readers',
    query: PublicListQuerySchema,
    responses: { 200: { description: 'A page of issues', content: json(PublicIssueListSchema) } },
    errors: [],
  }),
  route('GET', '/api/v1/issues/:slug', publicApi.readIssue, {
    summary: 'One published issue',
    tag: 'Readers',
    responses: { 200: { description: 'The issue with its HTML', content: json(PublicIssueSchema) } },
    errors: [404],
  }),
  route('GET', '/api/v1/tags', publicApi.listTags, {
    summary: 'Tags with their counts of published issues',
    tag: 'Readers',
    responses: { 200: { description: 'Tags', content: json(TagListSchema) } },
    errors: [],
  }),
  route('POST', '/api/v1/issues/:slug/feedback', feedback.submit, {
    summary: "A reader's feedback on a published issue",
    description:
      'JSON answers 201 (200 when it replaces the same client’s feedback of the last 10 minutes); an HTML form post is answered with a 303 back to a thank-you. 5 a minute per client.',
    tag: 'Feedback',
    body: { 'application/json': FeedbackInputSchema, 'application/x-www-form-urlencoded': FeedbackFormSchema },
    bodyRequired: true,
    responses: {
      201: { description: 'Recorded', content: json(FeedbackSchema) },
      200: { description: 'Replaced an earlier submission', content: json(FeedbackSchema) },
      303: { description: 'Form post: back to the thank-you' },
    },
    errors: [404, 413, 415, 429],
  }),
  route('POST', '/api/v1/admin/issues', admin.create, {
    summary: 'Create a draft',
    tag: 'Editors',
    role: 'contributor',
    body: issueBodies,
    bodyRequired: true,
    headers: [{ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result (24 hours).' }],
    responses: { 201: { description: 'Created; Location and ETag set', content: json(EditorIssueSchema) } },
    errors: [401, 403, 409, 413, 415],
  }),
  route('GET', '/api/v1/admin/issues', admin.list, {
    summary: 'All issues, drafts included',
    tag: 'Editors',
    role: 'contributor',
    query: EditorListQuerySchema,
    responses: { 200: { description: 'A page of issues', content: json(EditorIssueListSchema) } },
    errors: [401],
  }),
  route('GET', '/api/v1/admin/issues/:id', admin.read, {
    summary: 'One issue, with its ETag',
    tag: 'Editors',
    role: 'contributor',
    responses: one('The issue'),
    errors: [401, 404],
  }),
  route('PUT', '/api/v1/admin/issues/:id', admin.replace, {
    summary: 'Replace an issue',
    tag: 'Editors',
    role: 'contributor',
    body: issueBodies,
    bodyRequired: true,
    headers: [ifMatch(true)],
    responses: one('The new version'),
    errors: [...EDIT_ERRORS, 428],
  }),
  route('PATCH', '/api/v1/admin/issues/:id', admin.patch, {
    summary: 'Change some fields (JSON Merge Patch)',
    tag: 'Editors',
    role: 'contributor',
    body: { 'application/merge-patch+json': IssuePatchSchema, 'application/json': IssuePatchSchema },
    bodyRequired: true,
    headers: [ifMatch(true)],
    responses: one('The new version'),
    errors: [...EDIT_ERRORS, 428],
  }),
  route('DELETE', '/api/v1/admin/issues/:id', admin.archive, {
    summary: 'Archive an issue (nothing is destroyed)',
    tag: 'Editors',
    role: 'admin',
    headers: [ifMatch(true)],
    responses: one('The archived issue'),
    errors: [401, 403, 404, 409, 412, 428],
  }),
  route('POST', '/api/v1/admin/issues/:id/publish', admin.publish, {
    summary: 'Publish now, or schedule with `at`',
    tag: 'Editors',
    role: 'editor',
    body: json(PublishRequestSchema),
    headers: [ifMatch(false)],
    responses: one('Published or scheduled'),
    errors: EDIT_ERRORS,
  }),
  route('POST', '/api/v1/admin/issues/:id/unpublish', admin.unpublish, {
    summary: 'Back to draft, off every reader path',
    tag: 'Editors',
    role: 'editor',
    headers: [ifMatch(false)],
    responses: one('The draft'),
    errors: [401, 403, 404, 409, 412],
  }),
  route('GET', '/api/v1/admin/issues/:id/revisions', admin.revisions, {
    summary: 'Every saved version, newest first',
    tag: 'Editors',
    role: 'contributor',
    responses: { 200: { description: 'Revisions', content: json(RevisionListSchema) } },
    errors: [401, 404],
  }),
  route('POST', '/api/v1/admin/issues/:id/revisions/:n/restore', admin.restore, {
    summary: 'Make revision n current again, as a new revision',
    tag: 'Editors',
    role: 'editor',
    headers: [ifMatch(false)],
    responses: one('The new version'),
    errors: [401, 403, 404, 409, 412],
  }),
  route('GET', '/api/v1/admin/feedback', feedback.report, {
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
  }),
  route('POST', MEDIA_UPLOAD_PATH, media.upload, {
    summary: 'Upload an image, a PDF or an audio file',
    description:
      'PNG, JPEG, GIF, WebP, AVIF, PDF, MP3 or M4A, decided from the bytes (SVG and HTML are refused), up to 25 MiB. Stored under its SHA-256: the same file again answers 200 with the same URL.',
    tag: 'Editors',
    role: 'contributor',
    upload: { description: 'The file: the raw bytes (any Content-Type), or the `file` field of multipart/form-data.' },
    responses: {
      201: { description: 'Stored; Location is its URL', content: json(MediaSchema) },
      200: { description: 'The same bytes were stored before', content: json(MediaSchema) },
    },
    errors: [400, 401, 403, 413],
  }),
  route('GET', MEDIA_UPLOAD_PATH, media.list, {
    summary: 'Uploads, newest first, each with the issues that mention it',
    tag: 'Editors',
    role: 'contributor',
    query: MediaListQuerySchema,
    responses: { 200: { description: 'A page of uploads', content: json(MediaListSchema) } },
    errors: [401, 403],
  }),
  route('DELETE', '/api/v1/admin/media/:sha256', media.remove, {
    summary: 'Delete an upload that no issue mentions, in its content or any revision',
    tag: 'Editors',
    role: 'admin',
    responses: { 200: { description: 'The deleted upload', content: json(MediaSchema) } },
    errors: [401, 403, 404, 409],
  }),
  route('POST', '/api/v1/admin/media/:sha256/takedown', media.takedown, {
    summary: 'Take a file down, at once and for good',
    description:
      'For a legal request or a mistake: the file is deleted from storage and answers 410 from then on; every issue and revision that names it shows it as removed to readers (pages, embeds, feeds and the public API render again without it); the same bytes cannot be uploaded again. Who, when and why are kept, and shown in the upload list. Browsers and shared caches may keep a copy for up to a day (`Cache-Control: public, max-age=86400`).',
    tag: 'Editors',
    role: 'admin',
    body: json(TakedownInputSchema),
    bodyRequired: true,
    responses: { 200: { description: 'The upload, with its takedown', content: json(MediaSchema) } },
    errors: [400, 401, 403, 404, 413, 415],
  }),
  route('POST', '/api/v1/admin/partners', partners.create, {
    summary: 'Add a partner site',
    description: 'Its origins may frame the embeds within the consistency bound; the answer holds its generated public key.',
    tag: 'Partners',
    role: 'admin',
    body: json(PartnerInputSchema),
    bodyRequired: true,
    responses: { 201: { description: 'Created; Location set', content: json(PartnerSchema) } },
    errors: [401, 403, 413, 415],
  }),
  route('GET', '/api/v1/admin/partners', partners.list, {
    summary: 'Partner sites, by name',
    tag: 'Partners',
    role: 'admin',
    query: PartnerListQuerySchema,
    responses: { 200: { description: 'Partners', content: json(PartnerListSchema) } },
    errors: [401, 403],
  }),
  // Before /api/v1/admin/partners/:id, which would take "usage" for an id.
  route('GET', '/api/v1/admin/partners/usage', partners.summary, {
    summary: 'Usage across partners: totals per partner, and the unattributed',
    description: 'UTC days, `from` to `to` inclusive (the last 30 by default, at most 366); `format=csv` for a spreadsheet.',
    tag: 'Partners',
    role: 'admin',
    query: UsageQuerySchema,
    responses: {
      200: {
        description: 'The summary',
        content: { 'application/json': UsageSummarySchema, 'text/csv': { text: 'CSV with a header row' } },
      },
    },
    errors: [401, 403],
  }),
  route('GET', '/api/v1/admin/partners/:id', partners.read, {
    summary: 'One partner',
    tag: 'Partners',
    role: 'admin',
    responses: { 200: { description: 'The partner', content: json(PartnerSchema) } },
    errors: [401, 403, 404],
  }),
  route('PATCH', '/api/v1/admin/partners/:id', partners.patch, {
    summary: 'Change a partner’s name, origins or notes',
    tag: 'Partners',
    role: 'admin',
    body: { 'application/merge-patch+json': PartnerPatchSchema, 'application/json': PartnerPatchSchema },
    bodyRequired: true,
    responses: { 200: { description: 'The partner', content: json(PartnerSchema) } },
    errors: [401, 403, 404, 413, 415],
  }),
  route('DELETE', '/api/v1/admin/partners/:id', partners.remove, {
    summary: 'Remove a partner: it frames nothing and is counted no more; its usage stays readable',
    tag: 'Partners',
    role: 'admin',
    responses: { 200: { description: 'The removed partner', content: json(PartnerSchema) } },
    errors: [401, 403, 404],
  }),
  route('GET', '/api/v1/admin/partners/:id/snippet', partners.snippet, {
    summary: 'The HTML the partner pastes: the widget’s iframe, carrying its key, and /embed.js',
    tag: 'Partners',
    role: 'admin',
    query: SnippetQuerySchema,
    responses: { 200: { description: 'The snippet', content: { 'text/plain': { text: 'HTML to paste' } } } },
    errors: [401, 403, 404],
  }),
  route('GET', '/api/v1/admin/partners/:id/usage', partners.usage, {
    summary: 'One partner’s usage by UTC day: widget views, distinct readers, click-throughs',
    description: '`from` to `to` inclusive (the last 30 days by default, at most 366); `format=csv` for a spreadsheet.',
    tag: 'Partners',
    role: 'admin',
    query: UsageQuerySchema,
    responses: {
      200: {
        description: 'The usage',
        content: { 'application/json': PartnerUsageSchema, 'text/csv': { text: 'CSV with a header row' } },
      },
    },
    errors: [401, 403, 404],
  }),
  route('POST', IMPORT_PATH, imports.create, {
    summary: 'Import a sent newsletter as a draft issue',
    description:
      'The email as sent (`message/rfc822`: an .eml file, any charset, EUC-KR and ISO-2022-KR included), or its HTML or text. Answers the draft and a report: what was recognised (title, subtitle, summary, sections, teasers, tags), what was removed and why (tracking, layout, footers), and warnings. Images are fetched into the media store; tracking redirects are unwrapped; `campaign_parameters=keep` keeps utm_* on links. Up to 10 MiB. Nothing is published.',
    tag: 'Editors',
    role: 'contributor',
    query: ImportQuerySchema,
    upload: { description: 'The newsletter: `message/rfc822`, `text/html` or `text/plain` (with its charset).' },
    responses: { 201: { description: 'The draft and the report; Location set', content: json(ImportResultSchema) } },
    errors: [401, 403, 413, 415],
  }),
  route('POST', '/api/v1/admin/webhooks', webhooks.create, {
    summary: 'Register a webhook endpoint',
    description:
      'Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); the answer holds the endpoint’s `secret`, shown this once. The URL must be public `https:` (`localhost` only where `OUTBOUND_ALLOW_LOCAL` is on).',
    tag: 'Webhooks',
    role: 'admin',
    body: json(WebhookInputSchema),
    bodyRequired: true,
    responses: { 201: { description: 'Created; Location set', content: json(CreatedWebhookSchema) } },
    errors: [401, 403, 413, 415],
  }),
  route('GET', '/api/v1/admin/webhooks', webhooks.list, {
    summary: 'Webhook endpoints, oldest first; a disabled one says why',
    tag: 'Webhooks',
    role: 'admin',
    responses: { 200: { description: 'Endpoints', content: json(WebhookListSchema) } },
    errors: [401, 403],
  }),
  route('GET', '/api/v1/admin/webhooks/:id', webhooks.read, {
    summary: 'One webhook endpoint',
    tag: 'Webhooks',
    role: 'admin',
    responses: { 200: { description: 'The endpoint', content: json(WebhookSchema) } },
    errors: [401, 403, 404],
  }),
  route('PATCH', '/api/v1/admin/webhooks/:id', webhooks.patch, {
    summary: 'Change an endpoint’s URL, events or description, or enable or disable it',
    description: '`enabled: true` turns a disabled endpoint back on and sends what waited for it.',
    tag: 'Webhooks',
    role: 'admin',
    body: { 'application/merge-patch+json': WebhookPatchSchema, 'application/json': WebhookPatchSchema },
    bodyRequired: true,
    responses: { 200: { description: 'The endpoint', content: json(WebhookSchema) } },
    errors: [401, 403, 404, 413, 415],
  }),
  route('DELETE', '/api/v1/admin/webhooks/:id', webhooks.remove, {
    summary: 'Remove an endpoint and its deliveries',
    tag: 'Webhooks',
    role: 'admin',
    responses: { 200: { description: 'The removed endpoint', content: json(WebhookSchema) } },
    errors: [401, 403, 404],
  }),
  route('GET', '/api/v1/admin/webhooks/:id/deliveries', webhooks.deliveries, {
    summary: 'An endpoint’s deliveries, newest first: status, attempts, last error and latency',
    tag: 'Webhooks',
    role: 'admin',
    query: DeliveryListQuerySchema,
    responses: { 200: { description: 'A page of deliveries', content: json(DeliveryListSchema) } },
    errors: [401, 403, 404],
  }),
  route('POST', '/api/v1/admin/webhooks/:id/deliveries/:delivery/replay', webhooks.replay, {
    summary: 'Send a delivered or failed delivery again',
    description:
      'A new delivery of the same event, with a new `webhook-id` (a receiver that drops the ids it has handled takes it) and the same body, after any still waiting for the same issue.',
    tag: 'Webhooks',
    role: 'admin',
    responses: { 202: { description: 'The new delivery', content: json(DeliverySchema) } },
    errors: [401, 403, 404, 409],
  }),
  route('POST', '/api/v1/admin/webhooks/:id/recover', webhooks.recover, {
    summary: 'Send an enabled endpoint the events of a period it has none of',
    description:
      'While an endpoint is disabled, its events are not queued for it. Once it is enabled again, this sends it the events of its types created in [`from`, `to`) that it has no delivery of, in their order, within the 30-day retention.',
    tag: 'Webhooks',
    role: 'admin',
    body: json(RecoverInputSchema),
    bodyRequired: true,
    responses: { 202: { description: 'How many deliveries were made', content: json(RecoveredSchema) } },
    errors: [400, 401, 403, 404, 409, 413, 415],
  }),
  route('GET', '/media/:name', media.serve, {
    summary: 'An uploaded file, at its content address',
    description:
      'Cached for a day (a file can be taken down: then 410), strong ETag, Range requests (206) for every file; a PDF is sent as a download.',
    tag: 'Readers',
    responses: {
      200: { description: 'The file', content: { 'application/octet-stream': { text: 'The file, with its own Content-Type' } } },
      206: { description: 'The range asked for' },
      304: { description: 'Not modified' },
    },
    errors: [404, 410, 416],
  }),
  route('GET', '/api/v1/openapi.json', (request, context) => apiDocs.openApi(request, context, ROUTES), {
    summary: 'The OpenAPI 3.1 document of this API',
    tag: 'Readers',
    responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { text: 'OpenAPI 3.1 document' } } } },
    errors: [],
  }),
  route('GET', '/docs', apiDocs.docs, {
    summary: 'The OpenAPI document as a readable reference',
    tag: 'Readers',
    responses: { 200: { description: 'HTML page', content: html } },
    errors: [],
  }),
  route('GET', '/problems/:name', describeProblem, {
    summary: 'What a problem type means',
    tag: 'Readers',
    responses: { 200: { description: 'Plain text', content: { 'text/plain': { text: 'Plain text' } } } },
    errors: [404],
  }),
];

/** The methods a path answers, for `Allow`: HEAD wherever GET is. */
function allowed(path: string): string {
  const methods = ROUTES.filter((r) => r.path === path).map((r) => r.method);
  return (methods.includes('GET') ? [...methods, 'HEAD'] : methods).join(', ');
}

export function buildRouter() {
  const router = Router<IRequest, [RequestContext, ExecutionContext]>();
  for (const r of ROUTES) router[r.method.toLowerCase() as 'get'](r.path, checked(r));
  for (const path of new Set(ROUTES.map((r) => r.path))) {
    router.all(path, () => {
      throw new HttpError(405, { name: 'method-not-allowed', detail: `${path} answers ${allowed(path)}.` }, { Allow: allowed(path) });
    });
  }
  // Anything else a GET asks for may be a file in public/.
  router.get('*', staticFile);
  router.all('*', () => {
    throw new HttpError(404, { name: 'not-found', detail: 'Nothing is served at this address.' });
  });
  return router;
}
