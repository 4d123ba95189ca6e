import * as v from 'valibot';
import type { IssueRecordSchema } from './responses';
import { displayTag, foldCompatibility, normalizeTag, RESERVED_SLUGS, SLUG_MAX_LENGTH, SLUG_PATTERN } from './slug';
import { STATUSES } from './status';
import { CONTROL_CHARS, LINE_BREAKS_AND_CONTROLS, strictObject, URL_UNSAFE, URL_UNSAFE_MESSAGE } from './validation';

/** The largest Markdown body an issue may have, in characters. */
export const BODY_MAX_LENGTH = 200_000;

const string = () => v.string('must be a string');

/** A one-line text: trimmed, not empty, no line breaks or control characters. */
const line = (max: number) =>
  v.pipe(
    string(),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check((s) => !LINE_BREAKS_AND_CONTROLS.test(s), 'must be one line without control characters'),
  );

/** A multi-line text: tabs and line breaks allowed, other control characters not. */
const text = (max: number) =>
  v.pipe(
    string(),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check((s) => !CONTROL_CHARS.test(s), 'must not contain control characters'),
  );

function isHttpUrl(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const { protocol } = new URL(s);
  return protocol === 'https:' || protocol === 'http:';
}

/**
 * An http(s) URL as a client sends it: refused when it holds anything the parser would drop or
 * trim, then kept as the URL parser writes it (`..` resolved, the host lowercased), so the address
 * stored is the one every reader requests, and a search for a media path finds every issue that
 * names the file. Nothing silently becomes another address.
 */
const httpUrl = v.pipe(
  string(),
  v.maxLength(2048, 'must be at most 2048 characters'),
  v.check((s) => !URL_UNSAFE.test(s), URL_UNSAFE_MESSAGE),
  v.check(isHttpUrl, 'must be an absolute http or https URL'),
  v.transform((s) => new URL(s).href),
  v.maxLength(2048, 'must be at most 2048 characters once written in its parsed form'),
);
const parsedHttpUrl = httpUrl;

const list = <S extends v.GenericSchema>(item: S, max: number) =>
  v.pipe(v.array(item, 'must be an array'), v.maxLength(max, `must have at most ${max} items`));

export const SlugSchema = v.pipe(
  string(),
  v.maxLength(SLUG_MAX_LENGTH, `must be at most ${SLUG_MAX_LENGTH} characters`),
  v.check(
    (slug) => foldCompatibility(slug) === slug,
    (issue) =>
      `must be written in plain letters and digits, not compatibility forms: "${foldCompatibility(String(issue.input)).toLowerCase()}"`,
  ),
  v.regex(SLUG_PATTERN, 'must be lowercase letters and digits joined by single hyphens (no "/", "." or "%")'),
  v.check((slug) => !RESERVED_SLUGS.has(slug), `must not be ${[...RESERVED_SLUGS].join(' or ')}: those are widget addresses (/embed/…)`),
);

/** A tag's key, as a filter or a path names it: folded (src/domain/slug.ts, normalizeTag). */
export const TagSchema = v.pipe(
  string(),
  v.transform(normalizeTag),
  v.minLength(1, 'must not be empty'),
  v.maxLength(40, 'must be at most 40 characters'),
  v.regex(SLUG_PATTERN, 'must be letters and digits joined by single hyphens'),
);

/**
 * A tag as an editor writes it on an issue: kept in its display form ("AI", not "ai"), checked by
 * its key, which is what matches (case-insensitively) and what its address is.
 */
const TagInputSchema = v.pipe(
  string(),
  v.transform(displayTag),
  v.minLength(1, 'must not be empty'),
  v.maxLength(40, 'must be at most 40 characters'),
  v.check((tag) => SLUG_PATTERN.test(normalizeTag(tag)), 'must be letters and digits joined by single hyphens'),
  // Its key is what its address holds: folding can lengthen it ("İ" folds to two characters).
  v.check((tag) => normalizeTag(tag).length <= 40, 'must be at most 40 characters once folded to lowercase'),
);

/** An issue's tags: one of each key, the first form written kept. */
const uniqueTags = (tags: string[]) => tags.filter((tag, i) => tags.findIndex((t) => normalizeTag(t) === normalizeTag(tag)) === i);

const LanguageSchema = v.pipe(
  string(),
  v.regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "ko" or "en-US"'),
);

/** A card linking to a full article; the link is optional (the seed's teasers have none). */
export const TeaserSchema = strictObject({
  title: line(200),
  excerpt: v.optional(text(2000), ''),
  url: v.optional(v.nullable(httpUrl), null),
});
export type Teaser = v.InferOutput<typeof TeaserSchema>;

/** A one-line text that may be empty (an image's alternative text: empty for a decorative one). */
const optionalLine = (max: number) =>
  v.pipe(
    string(),
    v.trim(),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check((s) => !LINE_BREAKS_AND_CONTROLS.test(s), 'must be one line without control characters'),
  );

/**
 * The issue's cover: one image and its alternative text, shown atop the page, in cards, as
 * `og:image` and in feeds. `alt` says what the picture shows; leave it empty only for a purely
 * decorative one.
 */
export const CoverSchema = strictObject({ url: parsedHttpUrl, alt: v.optional(optionalLine(300), '') });
export type Cover = v.InferOutput<typeof CoverSchema>;

/**
 * A merge patch of the cover (RFC 7386 merges objects member by member): `url` or `alt` alone
 * changes that one; `alt: null` empties it.
 */
export const CoverPatchSchema = strictObject({
  url: v.optional(parsedHttpUrl),
  alt: v.optional(v.nullable(optionalLine(300))),
});
export type CoverPatch = v.InferOutput<typeof CoverPatchSchema>;

/** A media type's `type/subtype` (RFC 6838 names, less the characters that would need escaping in XML or HTML). */
const MIME_TYPE = /^[a-z0-9][a-z0-9!_.+-]{0,126}\/[a-z0-9][a-z0-9!_.+-]{0,126}$/;

/**
 * A file that goes with the issue: a podcast episode, a PDF. Feeds carry it as an RSS enclosure,
 * an Atom enclosure link and a JSON Feed attachment, all of which need its type and length: for
 * one of our uploads (`/media/…`) they come from the upload, for another URL they must be sent.
 */
export const AttachmentInputSchema = strictObject({
  url: parsedHttpUrl,
  title: v.optional(v.nullable(line(200)), null),
  content_type: v.optional(v.pipe(string(), v.toLowerCase(), v.regex(MIME_TYPE, 'must be a media type such as "audio/mpeg"'))),
  bytes: v.optional(
    v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1, 'must be 1 or more'), v.maxValue(2 ** 40)),
  ),
});
export type AttachmentInput = v.InferOutput<typeof AttachmentInputSchema>;
/** An attachment as stored: its type and length always known. */
export type Attachment = Required<AttachmentInput>;

export const AuthorSchema = strictObject({
  name: line(100),
  url: v.optional(v.nullable(httpUrl), null),
});
export type Author = v.InferOutput<typeof AuthorSchema>;

/** Fields the server owns. Sending one is refused as read-only rather than as unknown. */
const READ_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'status',
  'version',
  'html',
  'url',
  'created_at',
  'updated_at',
  'published_at',
  'publish_at',
]);

const optionalFields = {
  slug: v.optional(SlugSchema),
  number: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be an integer'),
      v.minValue(1, 'must be 1 or more'),
      v.maxValue(1_000_000_000, 'must be at most 1000000000'),
    ),
  ),
  subtitle: v.optional(v.nullable(line(300)), null),
  summary: v.optional(list(line(500), 10), []),
  teasers: v.optional(list(TeaserSchema, 20), []),
  tags: v.optional(v.pipe(list(TagInputSchema, 20), v.transform(uniqueTags)), []),
  authors: v.optional(list(AuthorSchema, 10), []),
  cover: v.optional(v.nullable(CoverSchema)),
  /** The cover's address alone: the older spelling of `cover.url`, still accepted. */
  cover_image: v.optional(v.nullable(parsedHttpUrl)),
  attachments: v.optional(list(AttachmentInputSchema, 10), []),
  canonical_url: v.optional(v.nullable(httpUrl), null),
  language: v.optional(LanguageSchema),
};

/** What an editor sends to create or replace an issue (JSON, or YAML front matter + Markdown). */
export const IssueInputSchema = strictObject({ title: line(200), body: text(BODY_MAX_LENGTH), ...optionalFields }, READ_ONLY_FIELDS);
export type IssueInput = v.InferOutput<typeof IssueInputSchema>;

/**
 * A JSON Merge Patch (RFC 7386) of an issue: every field optional; `null` removes an optional
 * field (back to its default) and is refused for the ones an issue cannot be without.
 */
export const IssuePatchSchema = strictObject(
  {
    title: v.optional(line(200)),
    body: v.optional(text(BODY_MAX_LENGTH)),
    slug: optionalFields.slug,
    number: optionalFields.number,
    subtitle: v.optional(v.nullable(line(300))),
    summary: v.optional(v.nullable(list(line(500), 10))),
    teasers: v.optional(v.nullable(list(TeaserSchema, 20))),
    tags: v.optional(v.nullable(v.pipe(list(TagInputSchema, 20), v.transform(uniqueTags)))),
    authors: v.optional(v.nullable(list(AuthorSchema, 10))),
    cover: v.optional(v.nullable(CoverPatchSchema)),
    cover_image: v.optional(v.nullable(parsedHttpUrl)),
    attachments: v.optional(v.nullable(list(AttachmentInputSchema, 10))),
    canonical_url: v.optional(v.nullable(httpUrl)),
    language: v.optional(v.nullable(LanguageSchema)),
  },
  READ_ONLY_FIELDS,
);
export type IssuePatch = v.InferOutput<typeof IssuePatchSchema>;

export const StatusSchema = v.picklist(STATUSES, `must be one of ${STATUSES.join(', ')}`);

/** An RFC 3339 date-time with a time zone, e.g. `2026-12-01T09:00:00+09:00`. */
const DateTimeSchema = v.pipe(
  string(),
  v.regex(
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
    'must be an RFC 3339 date-time with a time zone, e.g. 2026-12-01T09:00:00+09:00',
  ),
  v.check((s) => !Number.isNaN(Date.parse(s)), 'must be a real date and time'),
  v.transform((s) => new Date(s).toISOString()),
);

export const PublishRequestSchema = strictObject({ at: v.optional(DateTimeSchema) });

/** An issue as stored: the editor's fields plus what the server derives and owns. */
export type Issue = v.InferOutput<typeof IssueRecordSchema>;

/** The editable fields of an issue, as a revision snapshot keeps them. */
export type IssueContent = Pick<
  Issue,
  | 'number'
  | 'slug'
  | 'title'
  | 'subtitle'
  | 'summary'
  | 'body'
  | 'teasers'
  | 'tags'
  | 'authors'
  | 'cover'
  | 'attachments'
  | 'canonical_url'
  | 'language'
>;

export function contentOf(issue: Issue): IssueContent {
  const { number, slug, title, subtitle, summary, body, teasers, tags, authors, cover, attachments, canonical_url, language } = issue;
  return { number, slug, title, subtitle, summary, body, teasers, tags, authors, cover, attachments, canonical_url, language };
}

/** An issue in a list: everything but the body and its HTML. */
export type IssueListItem = Omit<Issue, 'body' | 'html'>;
