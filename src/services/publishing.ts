import type { RequestContext } from '../config';
import type { Issue } from '../domain/issue';
import { type IfMatch, NO_IF_MATCH } from '../domain/preconditions';
import { canTransition, type Status } from '../domain/status';
import { conflict, HttpError } from '../http/problem';
import { dueScheduled, findIssueById } from '../storage/issues';
import { requirePermission } from './access';
import { commitChange, loadIssue } from './issue-writes';
import type { Editor } from './tokens';

function invalidTransition(issue: Issue, action: string, hint: string): HttpError {
  return conflict('invalid-transition', `Cannot ${action} an issue that is ${issue.status}; ${hint}`);
}

const HINTS: Record<Status, string> = {
  draft: 'publish it first.',
  scheduled: 'publish it now or unpublish it first.',
  published: 'unpublish it first.',
  archived: 'unpublish it to bring it back as a draft first.',
};

/** Publishes now, or schedules for `at` when that is in the future (the cron trigger publishes it). */
export async function publishIssue(
  context: RequestContext,
  editor: Editor,
  id: string,
  at: string | undefined,
  ifMatch: IfMatch,
): Promise<Issue> {
  requirePermission(editor, 'publish');
  const current = await loadIssue(context, id);
  const now = context.now();
  const precondition = { ifMatch, required: false };
  if (at !== undefined && Date.parse(at) > now.getTime()) {
    if (!canTransition('schedule', current.status)) throw invalidTransition(current, 'schedule', HINTS[current.status]);
    return commitChange(context, editor, current, { status: 'scheduled', publish_at: at }, 'schedule', precondition);
  }
  if (!canTransition('publish', current.status)) throw invalidTransition(current, 'publish', HINTS[current.status]);
  const publishedAt = current.published_at ?? now.toISOString();
  return commitChange(
    context,
    editor,
    current,
    { status: 'published', publish_at: null, published_at: publishedAt },
    'publish',
    precondition,
  );
}

/** Takes an issue off every reader path and back to draft (also un-archives). */
export async function unpublishIssue(context: RequestContext, editor: Editor, id: string, ifMatch: IfMatch): Promise<Issue> {
  requirePermission(editor, 'publish');
  const current = await loadIssue(context, id);
  if (!canTransition('unpublish', current.status))
    throw invalidTransition(current, 'unpublish', 'it is not published, scheduled or archived.');
  return commitChange(context, editor, current, { status: 'draft', publish_at: null }, 'unpublish', { ifMatch, required: false });
}

/** Archives an issue (DELETE): it leaves every reader path, and nothing of it is destroyed. */
export async function archiveIssue(context: RequestContext, editor: Editor, id: string, ifMatch: IfMatch): Promise<Issue> {
  requirePermission(editor, 'archive');
  const current = await loadIssue(context, id);
  if (!canTransition('archive', current.status)) throw invalidTransition(current, 'archive', 'it is already archived.');
  return commitChange(context, editor, current, { status: 'archived', publish_at: null }, 'archive', { ifMatch, required: true });
}

/**
 * Publishes every scheduled issue that is due; run by the cron trigger. An issue keeps its
 * scheduled time as its publish time, however late the trigger runs. Returns the ids published.
 */
export async function publishDue(context: RequestContext): Promise<string[]> {
  const now = context.now();
  const published: string[] = [];
  for (const id of await dueScheduled(context.db, now.toISOString())) {
    const current = await findIssueById(context.db, id, context.site.url);
    if (current === null || current.status !== 'scheduled') continue;
    const publishedAt = current.published_at ?? current.publish_at ?? now.toISOString();
    try {
      await commitChange(context, null, current, { status: 'published', publish_at: null, published_at: publishedAt }, 'publish', {
        ifMatch: NO_IF_MATCH,
        required: false,
      });
      published.push(id);
    } catch (error) {
      // An editor changed the issue in between; the next run sees the new state.
      if (!(error instanceof HttpError)) throw error;
    }
  }
  return published;
}
