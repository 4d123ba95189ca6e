import type { RequestContext } from '../config';
import type { Issue } from '../domain/issue';
import { IssueInputSchema } from '../domain/issue';
import type { IfMatch } from '../domain/preconditions';
import { fileUrlsOf, type Revision, withFileUrls } from '../domain/revision';
import { parse } from '../domain/validation';
import { invalidInput, notFound } from '../http/problem';
import { findRevision, listRevisions as listStoredRevisions } from '../storage/revisions';
import { requireAccess, requirePermission } from './access';
import { asOwnUpload, coverFrom, resolveAttachments } from './issue-content';
import { commitChange, loadIssue } from './issue-writes';
import type { Editor } from './tokens';

/** Every saved version of an issue, newest first. */
export async function listRevisions(context: RequestContext, editor: Editor, id: string): Promise<Revision[]> {
  await requireAccess(context, editor, await loadIssue(context, id), 'read');
  return listStoredRevisions(context.db, id, context.site.url);
}

/**
 * Makes revision `n`'s content current again, as a new revision. The status stays as it is:
 * restoring an old text of a published issue republishes that text.
 */
export async function restoreRevision(context: RequestContext, editor: Editor, id: string, n: number, ifMatch: IfMatch): Promise<Issue> {
  requirePermission(editor, 'restore');
  const current = await loadIssue(context, id);
  const revision = await findRevision(context.db, id, n, context.site.url);
  if (revision === null) throw notFound(`Issue ${id} has no revision ${n}; it has revisions 1 to ${current.version}.`);
  const { status: _status, publish_at: _publishAt, published_at: _publishedAt, ...saved } = revision.snapshot;
  const content = await withOwnUploads(context, saved);
  // A revision may predate today's checks: it passes the door a create passes (and is composed to NFC).
  const checked = parse(IssueInputSchema, content);
  if (!checked.ok)
    throw invalidInput(checked.errors, `Revision ${n} cannot be restored as it is: its fields fail today's checks; see \`errors\`.`);
  // A snapshot from before covers had alt text holds `cover_image` alone: coverFrom reads it.
  const { cover_image: _url, ...value } = checked.value;
  const { cover_image: _stored, ...stored } = content as typeof content & { cover_image?: unknown };
  const restored = {
    ...stored,
    ...value,
    slug: value.slug ?? content.slug,
    number: value.number ?? content.number,
    language: value.language ?? content.language,
    cover: coverFrom(checked.value, null) ?? null,
    // Its attachments pass today's checks too (an upload it names must still be here).
    attachments: await resolveAttachments(context, value.attachments),
  };
  return commitChange(context, editor, current, restored, 'restore', { ifMatch, required: false });
}

/** A snapshot whose cover and attachments name our files under an earlier SITE_URL, named under this one. */
async function withOwnUploads<T extends Parameters<typeof fileUrlsOf>[0]>(context: RequestContext, snapshot: T): Promise<T> {
  const urls = fileUrlsOf(snapshot);
  const own = new Map(await Promise.all(urls.map(async (url) => [url, await asOwnUpload(context, url)] as const)));
  return withFileUrls(snapshot, (url) => own.get(url) ?? url);
}
