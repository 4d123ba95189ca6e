import type { RequestContext } from '../config';
import { contentOf, type Issue, type IssueContent } from '../domain/issue';
import { type IfMatch, versionEtag } from '../domain/preconditions';
import type { Action } from '../domain/status';
import { conflict, HttpError, invalidInput, notFound } from '../http/problem';
import { RENDERER_VERSION, renderMarkdown } from '../render/markdown';
import { MarkupLimitError } from '../render/markup-limits';
import { StorageConflict } from '../storage/conflict';
import type { ContentVersion } from '../storage/content-version';
import { findIssueById, writeIssue } from '../storage/issues';
import { announceVersion } from './content-version';
import type { Editor } from './tokens';
import { dispatchDeliveries, issueEventStatements } from './webhooks';
import { pingStatements } from './websub';

/** Loads an issue for a write, or 404. */
export async function loadIssue(context: RequestContext, id: string): Promise<Issue> {
  const issue = await findIssueById(context.db, id, context.site.url);
  if (issue === null) throw notFound(`No issue has the id ${id}.`);
  return issue;
}

/**
 * Enforces If-Match for a write (RFC 9110 §13.1.1, strong comparison). Where it is required, 428
 * when it is missing or `*` (which matches any version and would skip the lost-update check it is
 * there for); wherever it is sent, 412 when no listed ETag is the current one.
 */
function checkPrecondition({ ifMatch, required }: Precondition, currentEtag: string): void {
  if (ifMatch.kind === 'absent') {
    if (!required) return;
    throw new HttpError(428, {
      name: 'precondition-required',
      detail: `Send If-Match with the ETag you last read (currently ${currentEtag}) so no one's change is overwritten.`,
    });
  }
  if (ifMatch.kind === 'any') {
    throw new HttpError(428, {
      name: 'precondition-required',
      detail: `If-Match: * matches any version; send the ETag you last read (currently ${currentEtag}) so no one's change is overwritten.`,
    });
  }
  if (ifMatch.tags.includes(currentEtag)) return;
  throw new HttpError(
    412,
    { name: 'precondition-failed', detail: `The issue is now at ${currentEtag}; read it again and reapply your change.` },
    { ETag: currentEtag },
  );
}

/**
 * What an issue's body and its HTML may weigh together, in UTF-8 bytes. D1 stores at most
 * 2,000,000 bytes in a row (SQLite here stores far more, so only this check keeps the two alike);
 * the rest of the row (title, summary, teasers) stays well under the margin left.
 */
const ROW_BODY_BUDGET_BYTES = 1_800_000;

/**
 * Renders a body for storage. One past a rendering limit, or whose HTML would not fit in a D1
 * row, is the client's to fix: 400 at `/body`.
 */
export function renderBody(body: string): string {
  let html: string;
  try {
    html = renderMarkdown(body);
  } catch (error) {
    if (!(error instanceof MarkupLimitError)) throw error;
    throw invalidInput([{ path: '/body', message: error.message }], 'The body is past a limit that keeps rendering fast; see `errors`.');
  }
  const bytes = utf8.encode(body).byteLength + utf8.encode(html).byteLength;
  if (bytes > ROW_BODY_BUDGET_BYTES) {
    const message = `renders to ${bytes} bytes with its HTML, more than the ${ROW_BODY_BUDGET_BYTES} an issue can store; repeated long references or titles are the usual cause`;
    throw invalidInput([{ path: '/body', message }], 'The body is too large once rendered; see `errors`.');
  }
  return html;
}

const utf8 = new TextEncoder();

/** How a write treats If-Match: PUT, PATCH and DELETE require it; other writes check it if sent. */
export type Precondition = { ifMatch: IfMatch; required: boolean };

/** The conflict answer for a uniqueness rule a write broke. */
export function conflictError(error: StorageConflict, content: Pick<IssueContent, 'slug' | 'number'>): HttpError {
  switch (error.kind) {
    case 'slug':
      return conflict('slug-taken', `Another issue already has the slug "${content.slug}".`);
    case 'number':
      return conflict('number-taken', `Another issue already has the number ${content.number}.`);
    case 'version':
      return new HttpError(412, {
        name: 'precondition-failed',
        detail: 'Someone else saved this issue first; read it again and reapply your change.',
      });
    case 'idempotency-key':
      return conflict('idempotency-key-reused', 'The Idempotency-Key was used at the same time by another request.');
  }
}

/**
 * Saves a change to an existing issue as its next version: checks the precondition, re-renders
 * the Markdown if the body changed, and writes issue, revision, tags and search row at once.
 */
export async function commitChange(
  context: RequestContext,
  editor: Editor | null,
  current: Issue,
  change: Partial<Issue>,
  action: Action,
  precondition: Precondition,
): Promise<Issue> {
  checkPrecondition(precondition, versionEtag(current.version));
  // An edit that changes nothing writes nothing: no revision, no new version, no cache flush (a
  // tool that sends the same document again, such as `npm run push`, leaves the issue as it was).
  if (action === 'update' && JSON.stringify(contentOf({ ...current, ...change })) === JSON.stringify(contentOf(current))) return current;
  const next: Issue = { ...current, ...change, version: current.version + 1, updated_at: context.now().toISOString() };
  const rendered = next.body !== current.body;
  if (rendered) next.html = renderBody(next.body);
  const visibleToReaders = current.status === 'published' || next.status === 'published';
  const events = await issueEventStatements(context, current, next, action);
  let version: ContentVersion | null;
  try {
    version = await writeIssue(context.db, next, {
      base: context.site.url,
      action,
      author: editor?.name ?? null,
      expectedVersion: current.version,
      visibleToReaders,
      affectedTags: [...new Set([...current.tags, ...next.tags])],
      sameBatch: [...pingStatements(context, current, next), ...events],
      ...(rendered ? { renderer: RENDERER_VERSION } : {}),
    });
  } catch (error) {
    if (error instanceof StorageConflict) throw conflictError(error, next);
    throw error;
  }
  if (version !== null) announceVersion(context, version, context.bookmark());
  if (events.length > 0) context.defer(dispatchDeliveries(context));
  return next;
}
