import type { RequestContext } from '../config';
import type { Cursor } from '../domain/cursor';
import { type Feedback, type FeedbackInput, type FeedbackSummary, windowStart } from '../domain/feedback';
import { HttpError } from '../http/problem';
import { listFeedback, summarizeFeedback, upsertFeedback } from '../storage/feedback';
import { findIssueById } from '../storage/issues';
import { getPublishedIssue } from './reading';
import { dispatchDeliveries, feedbackEventStatements } from './webhooks';

/** Refuses (429) a client that has sent too much feedback this minute. */
export async function checkFeedbackRate(context: RequestContext, client: string): Promise<void> {
  const { success } = await context.feedbackLimiter.limit({ key: `feedback:${client}` });
  if (!success) {
    throw new HttpError(
      429,
      { name: 'rate-limited', detail: 'Too much feedback from here just now; try again in a minute.' },
      { 'Retry-After': '60' },
    );
  }
}

/**
 * Records a reader's feedback on a published issue. The same client's feedback on the same issue
 * within COLLAPSE_WINDOW_MINUTES replaces its earlier one, so repeats count once.
 */
export async function submitFeedback(
  context: RequestContext,
  slug: string,
  client: string,
  input: FeedbackInput,
): Promise<{ feedback: Feedback; created: boolean; slug: string }> {
  const issue = await getPublishedIssue(context, slug);
  const now = context.now();
  const row: Feedback = {
    id: crypto.randomUUID(),
    issue_id: issue.id,
    rating: input.rating,
    comment: input.comment,
    email: input.email,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  // feedback.created goes with the row, in its transaction, when the row is new.
  const events = feedbackEventStatements(context, row, issue);
  const { feedback, created } = await upsertFeedback(context.db, { ...row, client_hash: client, window_start: windowStart(now) }, events);
  if (created && events.length > 0) context.defer(dispatchDeliveries(context));
  return { feedback, created, slug: issue.slug };
}

/** Per-issue summaries and a page of the latest feedback, for editors. */
export async function feedbackReport(
  context: RequestContext,
  options: { issueId?: string; after: Cursor | null; limit: number },
): Promise<{ summaries: FeedbackSummary[]; feedback: Feedback[] }> {
  if (options.issueId !== undefined && (await findIssueById(context.db, options.issueId, context.site.url)) === null) {
    throw new HttpError(404, { name: 'not-found', detail: `No issue has the id ${options.issueId}.` });
  }
  const [summaries, feedback] = await Promise.all([summarizeFeedback(context.db, options.issueId), listFeedback(context.db, options)]);
  return { summaries, feedback };
}
