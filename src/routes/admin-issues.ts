import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import type { RequestContext } from '../config';
import { encodeCursor } from '../domain/cursor';
import { sha256Hex } from '../domain/hashing';
import type { Issue, IssueInput, IssuePatchSchema, PublishRequestSchema } from '../domain/issue';
import { keysetPage } from '../domain/pages';
import { versionEtag } from '../domain/preconditions';
import type { EditorListQuerySchema } from '../domain/queries';
import type { RequestText } from '../http/body';
import { parseIfMatch } from '../http/conditional';
import { invalidInput, notFound } from '../http/problem';
import { json } from '../http/respond';
import { editorIssue, revisionJson } from '../render/issue-json';
import { createIssue, getIssue, type Idempotency, listAllIssues, patchIssue, replaceIssue } from '../services/issues';
import { archiveIssue, publishIssue, unpublishIssue } from '../services/publishing';
import { listRevisions, restoreRevision } from '../services/revisions';
import type { Editor } from '../services/tokens';
import { idParam } from './params';

/** What the router hands these handlers (src/router.ts declares each route's role, query and body). */
type Editing = { editor: Editor };
type WithIssue = Editing & { body: IssueInput; received: RequestText | null };
type WithPatch = Editing & { body: v.InferOutput<typeof IssuePatchSchema> };
type WithPublish = Editing & { body: v.InferOutput<typeof PublishRequestSchema> };
type ListInput = Editing & { query: v.InferOutput<typeof EditorListQuerySchema> };

function idempotencyKey(request: Request): string | null {
  const key = request.headers.get('Idempotency-Key');
  if (key === null) return null;
  // draft-ietf-httpapi-idempotency-key-header: an sf-string; we take its unquoted printable form.
  const unquoted = key.trim().replace(/^"(.*)"$/, '$1');
  if (!/^[\x21-\x7E]{1,255}$/.test(unquoted)) {
    throw invalidInput([{ path: '/headers/idempotency-key', message: 'must be 1 to 255 printable ASCII characters' }]);
  }
  return unquoted;
}

/** One issue for an editor, with its ETag. */
function issueResponse(context: RequestContext, issue: Issue, status = 200, headers: Record<string, string> = {}): Response {
  return json(editorIssue(context.site, issue), { status, policy: 'editor', headers: { ETag: versionEtag(issue.version), ...headers } });
}

export async function create(request: IRequest, context: RequestContext, { editor, body, received }: WithIssue): Promise<Response> {
  const key = idempotencyKey(request);
  const idempotency: Idempotency | null =
    key === null || received === null ? null : { key, fingerprint: await sha256Hex(`${received.mediaType}\n${received.text}`) };
  const { issue, replayed } = await createIssue(context, editor, body, idempotency);
  return issueResponse(context, issue, 201, {
    Location: `/api/v1/admin/issues/${issue.id}`,
    ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
  });
}

export async function list(_request: IRequest, context: RequestContext, { editor, query }: ListInput): Promise<Response> {
  const { items, next } = await keysetPage(
    query.limit,
    (limit) => listAllIssues(context, editor, { status: query.status, slug: query.slug, after: query.cursor ?? null, limit }),
    (last) => encodeCursor({ at: last.updated_at, id: last.id }),
  );
  return json({ issues: items.map((issue) => editorIssue(context.site, issue)), next_cursor: next }, { policy: 'editor' });
}

export async function read(request: IRequest, context: RequestContext, { editor }: Editing): Promise<Response> {
  return issueResponse(context, await getIssue(context, editor, idParam(request)));
}

export async function replace(request: IRequest, context: RequestContext, { editor, body }: WithIssue): Promise<Response> {
  const id = idParam(request);
  return issueResponse(context, await replaceIssue(context, editor, id, body, parseIfMatch(request.headers.get('If-Match'))));
}

export async function patch(request: IRequest, context: RequestContext, { editor, body }: WithPatch): Promise<Response> {
  const id = idParam(request);
  return issueResponse(context, await patchIssue(context, editor, id, body, parseIfMatch(request.headers.get('If-Match'))));
}

export async function archive(request: IRequest, context: RequestContext, { editor }: Editing): Promise<Response> {
  return issueResponse(context, await archiveIssue(context, editor, idParam(request), parseIfMatch(request.headers.get('If-Match'))));
}

export async function publish(request: IRequest, context: RequestContext, { editor, body }: WithPublish): Promise<Response> {
  const id = idParam(request);
  const { at } = body;
  return issueResponse(context, await publishIssue(context, editor, id, at, parseIfMatch(request.headers.get('If-Match'))));
}

export async function unpublish(request: IRequest, context: RequestContext, { editor }: Editing): Promise<Response> {
  return issueResponse(context, await unpublishIssue(context, editor, idParam(request), parseIfMatch(request.headers.get('If-Match'))));
}

export async function revisions(request: IRequest, context: RequestContext, { editor }: Editing): Promise<Response> {
  const list = await listRevisions(context, editor, idParam(request));
  return json({ revisions: list.map(revisionJson) }, { policy: 'editor' });
}

const RevisionNumber = v.pipe(v.string(), v.regex(/^[1-9]\d{0,9}$/), v.transform(Number));

export async function restore(request: IRequest, context: RequestContext, { editor }: Editing): Promise<Response> {
  const id = idParam(request);
  const n = v.safeParse(RevisionNumber, request.params.n ?? '');
  if (!n.success) throw notFound(`Revision numbers are whole numbers from 1.`);
  return issueResponse(context, await restoreRevision(context, editor, id, n.output, parseIfMatch(request.headers.get('If-Match'))));
}
