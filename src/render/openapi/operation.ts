import type * as v from 'valibot';
import { IssueInputSchema } from '../../domain/issue';
import { FeedQuerySchema } from '../../domain/queries';
import { EditorIssueSchema } from '../../domain/responses';
import type { Role } from '../../domain/status';

/** A response body: a valibot schema, or a media type whose body is not JSON (HTML, feeds, CSV). */
export type Body = v.GenericSchema | { text: string };

/** What the API document says of one route (src/router.ts declares it beside the route). */
export interface Operation {
  summary: string;
  description?: string;
  tag: 'Readers' | 'Feeds' | 'Pages and embeds' | 'Editors' | 'Feedback' | 'Partners' | 'Discovery' | 'Webhooks';
  /** The lowest role that may call it; absent for public operations. */
  role?: Role;
  query?: v.ObjectSchema<v.ObjectEntries, undefined>;
  /** Request bodies by media type. */
  body?: Record<string, v.GenericSchema>;
  /** A file upload instead (the handler reads it): any raw bytes, or the `file` field of a multipart form. */
  upload?: { description: string };
  bodyRequired?: boolean;
  headers?: { name: string; required: boolean; description: string }[];
  /** Success responses by status, each by media type. */
  responses: Record<number, { description: string; content?: Record<string, Body> }>;
  /** The error statuses it can answer, besides 400 for bad input where it takes any. */
  errors: number[];
}

export const json = <S extends v.GenericSchema>(schema: S) => ({ 'application/json': schema });
export const html = { 'text/html': { text: 'An HTML document' } };
export const feeds = (type: string) => ({ [type]: { text: 'A feed document' } });
export const ifMatch = (required: boolean) => ({
  name: 'If-Match',
  required,
  description: required ? 'The ETag you read; 428 without it, 412 when stale.' : 'The ETag you read; 412 when stale.',
});
export const issueBodies = { 'application/json': IssueInputSchema, 'text/markdown': IssueInputSchema };
export const one = (description: string) => ({ 200: { description, content: json(EditorIssueSchema) } });
export const EDIT_ERRORS = [401, 403, 404, 409, 412, 413, 415];

/** The description of one feed: RSS, Atom or JSON Feed, of the site or of one tag. */
export function feedDoc(perTag: boolean, format: string, type: string) {
  const what = perTag ? "one tag's" : "the site's";
  return {
    summary: `${format} of ${what} newest issues`,
    description: 'Full content of the newest 20 issues; `?archive=N` gives an RFC 5005 archive page (1 is the oldest).',
    tag: 'Feeds',
    query: FeedQuerySchema,
    responses: { 200: { description: `${format} document`, content: feeds(type) }, 304: { description: 'Not modified' } },
    errors: [404],
  } satisfies Operation;
}
