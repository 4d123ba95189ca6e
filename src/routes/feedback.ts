import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import { encodeCursor } from '../domain/cursor';
import type { FeedbackFormSchema, FeedbackInput } from '../domain/feedback';
import { keysetPage } from '../domain/pages';
import type { FeedbackReportQuerySchema } from '../domain/queries';
import { negotiate } from '../http/accept';
import { clientAddress } from '../http/client';
import { attachmentFilename, headerUri, linkHeader } from '../http/header-values';
import { json } from '../http/respond';
import { toCsv } from '../render/csv';
import { clientHash } from '../services/clients';
import { checkFeedbackRate, feedbackReport, submitFeedback } from '../services/feedback';
import { slugParam } from './params';

/**
 * `POST /api/v1/issues/{slug}/feedback`: JSON (201, or 200 when it replaces the same client's
 * feedback of the last minutes), or an HTML form post, answered with a redirect back to a thank-you.
 */
export async function submit(
  request: IRequest,
  context: RequestContext,
  { body }: { body: FeedbackInput | v.InferOutput<typeof FeedbackFormSchema> },
): Promise<Response> {
  const slug = slugParam(request);
  const client = await clientHash(context, clientAddress(request));
  await checkFeedbackRate(context, client);
  const { from, ...input } = { from: undefined, ...body };
  const result = await submitFeedback(context, slug, client, input);
  // A browser's form post (form-encoded, asking for HTML) is answered as a page would be: back to a
  // thank-you. Decided by the request, not by the `from` field, which only our own forms send.
  const isForm = /^application\/x-www-form-urlencoded\b/i.test(request.headers.get('Content-Type') ?? '');
  if (isForm && (from !== undefined || negotiate(request.headers.get('Accept'), ['application/json', 'text/html']) === 'text/html')) {
    const back =
      from === 'embed'
        ? `/embed/${encodeURIComponent(result.slug)}?feedback=thanks`
        : `/issues/${encodeURIComponent(result.slug)}?feedback=thanks#feedback`;
    return new Response(null, { status: 303, headers: { Location: headerUri(`${context.site.url}${back}`), 'Cache-Control': 'no-store' } });
  }
  const { id, rating, comment, email, created_at, updated_at } = result.feedback;
  return json({ id, rating, comment, email, created_at, updated_at }, { status: result.created ? 201 : 200, policy: 'editor' });
}

const CSV_COLUMNS = ['id', 'issue_id', 'rating', 'comment', 'email', 'created_at', 'updated_at'] as const;

/** `GET /api/v1/admin/feedback?issue=&cursor=&limit=&format=json|csv`: readers' feedback for editors. */
export async function report(
  request: IRequest,
  context: RequestContext,
  { query }: { query: v.InferOutput<typeof FeedbackReportQuerySchema> },
): Promise<Response> {
  const limit = query.limit ?? (query.format === 'csv' ? 5000 : 50);
  let summaries: Awaited<ReturnType<typeof feedbackReport>>['summaries'] = [];
  const { items: page, next } = await keysetPage(
    limit,
    async (rows) => {
      const report = await feedbackReport(context, { issueId: query.issue, after: query.cursor ?? null, limit: rows });
      summaries = report.summaries;
      return report.feedback;
    },
    (last) => encodeCursor({ at: last.updated_at, id: last.id }),
  );
  if (query.format === 'csv') {
    const headers: Record<string, string> = {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': attachmentFilename(`feedback${query.issue === undefined ? '' : `-${query.issue}`}.csv`),
      'Cache-Control': 'private, no-store',
    };
    if (next !== null) {
      const url = new URL(request.url);
      url.searchParams.set('cursor', next);
      headers.Link = linkHeader([{ href: url.href, rel: 'next' }]);
    }
    return new Response(toCsv(CSV_COLUMNS, page), { headers });
  }
  return json({ summaries, feedback: page, next_cursor: next }, { policy: 'editor' });
}
