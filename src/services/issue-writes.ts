import type { App } from '../config';
import type { Issue, IssueContent } from '../domain/issue';
import type { Action, Permission } from '../domain/status';
import { lowestRoleFor, roleAllows } from '../domain/status';
import { checkIfMatch, checkOptionalIfMatch, versionEtag } from '../http/conditional';
import { conflict, forbidden, HttpError, invalidInput, notFound } from '../http/problem';
import { RENDERER_VERSION, renderMarkdown } from '../render/markdown';
import { MarkupLimitError } from '../render/markup-limits';
import { StorageConflict } from '../storage/conflict';
import type { ContentVersion } from '../storage/content-version';
import { findIssueById, writeIssue } from '../storage/issues';
import { creatorOf } from '../storage/revisions';
import { announceVersion } from './content-version';
import type { Editor } from './tokens';
import { pingStatements } from './websub';

/** Refuses (403) an editor whose role is below the permission's. */
export function requirePermission(editor: Editor, permission: Permission): void {
  if (!roleAllows(editor.role, permission)) {
    throw forbidden(`This needs the ${lowestRoleFor(permission)} role; the token's role is ${editor.role}.`);
  }
}

/**
 * Contributors may see and change only the issues they created (as Ghost's contributors), and
 * change them only while they are drafts; editors and admins may see and change any issue.
 */
export async function requireAccess(app: App, editor: Editor, issue: Issue, intent: 'read' | 'write'): Promise<void> {
  if (intent === 'write') requirePermission(editor, issue.status === 'draft' ? 'write-draft' : 'write-any');
  if (roleAllows(editor.role, 'read-any')) return;
  if ((await creatorOf(app.db, issue.id)) !== editor.name) {
    throw forbidden(`Contributors may ${intent} only the issues they created; this one was created by someone else.`);
  }
}

/** Loads an issue for a write, or 404. */
export async function loadIssue(app: App, id: string): Promise<Issue> {
  const issue = await findIssueById(app.db, id);
  if (issue === null) throw notFound(`No issue has the id ${id}.`);
  return issue;
}

/**
 * What an issue's body and its HTML may weigh together, in UTF-8 bytes. D1 stores at most
 * 2,000,000 bytes in a row (SQLite here stores far more, so only this check keeps the two alike);
 * the rest of the row (title, summary, teasers) stays well under the margin left.
 */
export const ROW_BODY_BUDGET_BYTES = 1_800_000;

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
export type Precondition = { ifMatch: string | null; required: boolean };

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
  app: App,
  editor: Editor | null,
  current: Issue,
  change: Partial<Issue>,
  action: Action,
  precondition: Precondition,
): Promise<Issue> {
  const etag = versionEtag(current.version);
  if (precondition.required) checkIfMatch(precondition.ifMatch, etag);
  else checkOptionalIfMatch(precondition.ifMatch, etag);
  const next: Issue = { ...current, ...change, version: current.version + 1, updated_at: app.now().toISOString() };
  const rendered = next.body !== current.body;
  if (rendered) next.html = renderBody(next.body);
  const visibleToReaders = current.status === 'published' || next.status === 'published';
  let version: ContentVersion | null;
  try {
    version = await writeIssue(app.db, next, {
      action,
      author: editor?.name ?? null,
      expectedVersion: current.version,
      visibleToReaders,
      affectedTags: [...new Set([...current.tags, ...next.tags])],
      extra: pingStatements(app, current, next),
      ...(rendered ? { renderer: RENDERER_VERSION } : {}),
    });
  } catch (error) {
    if (error instanceof StorageConflict) throw conflictError(error, next);
    throw error;
  }
  if (version !== null) announceVersion(app, version, app.bookmark());
  return next;
}
