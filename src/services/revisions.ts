import type { App } from '../config';
import type { Issue } from '../domain/issue';
import { notFound } from '../http/problem';
import { findRevision, listRevisions as listStoredRevisions, type Revision } from '../storage/revisions';
import { commitChange, loadIssue, requireAccess, requirePermission } from './issue-writes';
import type { Editor } from './tokens';

/** Every saved version of an issue, newest first. */
export async function listRevisions(app: App, editor: Editor, id: string): Promise<Revision[]> {
  await requireAccess(app, editor, await loadIssue(app, id), 'read');
  return listStoredRevisions(app.db, id);
}

/**
 * Makes revision `n`'s content current again, as a new revision. The status stays as it is:
 * restoring an old text of a published issue republishes that text.
 */
export async function restoreRevision(app: App, editor: Editor, id: string, n: number, ifMatch: string | null): Promise<Issue> {
  requirePermission(editor, 'restore');
  const current = await loadIssue(app, id);
  const revision = await findRevision(app.db, id, n);
  if (revision === null) throw notFound(`Issue ${id} has no revision ${n}; it has revisions 1 to ${current.version}.`);
  const { status: _status, publish_at: _publishAt, published_at: _publishedAt, ...content } = revision.snapshot;
  return commitChange(app, editor, current, content, 'restore', { ifMatch, required: false });
}
