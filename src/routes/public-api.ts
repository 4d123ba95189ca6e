import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import { sealedCursorKey } from '../domain/cursor';
import type { PublicListQuerySchema } from '../domain/queries';
import { jsonRepresentation } from '../http/respond';
import { publicIssue } from '../render/issue-json';
import { tagUrl } from '../render/urls';
import { getPublishedIssue, listPublishedIssues, listPublishedTags, listsLastModified } from '../services/reading';
import { serveCached } from './cached';
import { slugParam } from './params';

/** `GET /api/v1/issues`: published issues, newest first, by tag and search, a cursor per page. */
export async function listIssues(
  request: IRequest,
  context: RequestContext,
  { query }: { query: v.InferOutput<typeof PublicListQuerySchema> },
): Promise<Response> {
  const terms = query.q ?? [];
  const identity = { ...query, cursor: sealedCursorKey(query.cursor) };
  // Searches are as many as readers can type: they stay in the isolate and cost no KV write.
  return serveCached(
    request,
    context,
    identity,
    async (context) => {
      const [{ issues, next }, lastModified] = await Promise.all([
        listPublishedIssues(context, { tag: query.tag, terms, after: query.cursor, limit: query.limit }),
        listsLastModified(context),
      ]);
      const body = { issues: issues.map((issue) => publicIssue(context.site, issue)), next_cursor: next };
      // A tag that no issue has is any string a reader makes up: not worth a shared entry.
      return { ...jsonRepresentation(body, lastModified, 'api'), shared: query.tag === undefined || issues.length > 0 };
    },
    { shared: terms.length === 0 },
  );
}

/** `GET /api/v1/issues/{slug}`: one published issue with its HTML. */
export async function readIssue(request: IRequest, context: RequestContext): Promise<Response> {
  const slug = slugParam(request);
  return serveCached(request, context, { slug }, async (context) => {
    const issue = await getPublishedIssue(context, slug);
    return jsonRepresentation(publicIssue(context.site, issue), issue.updated_at, 'api');
  });
}

/** `GET /api/v1/tags`: tags with their counts of published issues. */
export async function listTags(request: IRequest, context: RequestContext): Promise<Response> {
  return serveCached(request, context, {}, async (context) => {
    const [tags, lastModified] = await Promise.all([listPublishedTags(context), listsLastModified(context)]);
    const body = { tags: tags.map((tag) => ({ name: tag.name, count: tag.count, url: tagUrl(context.site, tag.key) })) };
    return jsonRepresentation(body, lastModified, 'api');
  });
}
