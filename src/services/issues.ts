import type { RequestContext } from '../config';
import type { Cursor } from '../domain/cursor';
import type { Issue, IssueContent, IssueInput, IssueListItem, IssuePatch } from '../domain/issue';
import type { IfMatch } from '../domain/preconditions';
import { firstFreeSlug, slugify } from '../domain/slug';
import { roleAllows, type Status } from '../domain/status';
import { conflict } from '../http/problem';
import { RENDERER_VERSION } from '../render/markdown';
import { StorageConflict } from '../storage/conflict';
import { findIdempotencyRecord, idempotencyInsert } from '../storage/idempotency';
import { listIssues, nextIssueNumber, slugsLike, writeIssue } from '../storage/issues';
import { requireAccess, requirePermission } from './access';
import { checkCover, coverFrom, mergeCover, resolveAttachments } from './issue-content';
import { commitChange, conflictError, loadIssue, renderBody } from './issue-writes';
import type { Editor } from './tokens';

export interface Idempotency {
  key: string;
  /** A hash of the request, so a key reused for a different request is caught. */
  fingerprint: string;
}

/**
 * Fills what an input leaves out with the site's defaults; slug and number are decided separately.
 * `current` is the issue a replacement replaces (its cover's alt text stays with its address).
 */
async function contentFrom(
  input: IssueInput,
  context: RequestContext,
  current: Issue | null,
): Promise<Omit<IssueContent, 'slug' | 'number'>> {
  const cover = coverFrom(input, current?.cover ?? null) ?? null;
  if (JSON.stringify(cover) !== JSON.stringify(current?.cover ?? null)) {
    await checkCover(context, cover, input.cover === undefined && input.cover_image !== undefined ? '/cover_image' : '/cover/url');
  }
  return {
    title: input.title,
    subtitle: input.subtitle,
    summary: input.summary,
    body: input.body,
    teasers: input.teasers,
    tags: input.tags,
    authors: input.authors,
    cover,
    attachments: await resolveAttachments(context, input.attachments),
    canonical_url: input.canonical_url,
    language: input.language ?? context.site.language,
  };
}

async function replay(context: RequestContext, editor: Editor, idempotency: Idempotency): Promise<Issue | null> {
  const record = await findIdempotencyRecord(context.db, editor.tokenId, idempotency.key);
  if (record === null) return null;
  if (record.fingerprint !== idempotency.fingerprint) {
    throw conflict('idempotency-key-reused', 'This Idempotency-Key was already used for a different request body.');
  }
  return loadIssue(context, record.issue_id);
}

/**
 * Creates a draft. With an Idempotency-Key, a retry returns the issue the first request made.
 * A slug or number the editor did not choose is picked afresh if another create takes it first.
 */
export async function createIssue(
  context: RequestContext,
  editor: Editor,
  input: IssueInput,
  idempotency: Idempotency | null,
): Promise<{ issue: Issue; replayed: boolean }> {
  requirePermission(editor, 'write-draft');
  let content: Omit<IssueContent, 'slug' | 'number'> | undefined;
  for (let attempt = 1; ; attempt++) {
    if (idempotency !== null) {
      const earlier = await replay(context, editor, idempotency);
      if (earlier !== null) return { issue: earlier, replayed: true };
    }
    // Checked after a replay is ruled out: a retry gets the first answer, whatever has changed since.
    content ??= await contentFrom(input, context, null);
    const now = context.now().toISOString();
    const base = slugify(input.title);
    const issue: Issue = {
      id: crypto.randomUUID(),
      number: input.number ?? (await nextIssueNumber(context.db)),
      slug: input.slug ?? firstFreeSlug(base, await slugsLike(context.db, base)),
      ...content,
      html: renderBody(input.body),
      status: 'draft',
      publish_at: null,
      published_at: null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const sameBatch =
      idempotency === null
        ? []
        : [
            idempotencyInsert(context.db, {
              token_id: editor.tokenId,
              key: idempotency.key,
              fingerprint: idempotency.fingerprint,
              issue_id: issue.id,
              created_at: now,
            }),
          ];
    try {
      await writeIssue(context.db, issue, {
        base: context.site.url,
        action: 'create',
        author: editor.name,
        expectedVersion: null,
        sameBatch,
        renderer: RENDERER_VERSION,
      });
      return { issue, replayed: false };
    } catch (error) {
      if (!(error instanceof StorageConflict)) throw error;
      // A concurrent retry with the same key may have won the race: then this is a replay.
      if (idempotency !== null) {
        const earlier = await replay(context, editor, idempotency);
        if (earlier !== null) return { issue: earlier, replayed: true };
      }
      const chosenByServer =
        (error.kind === 'slug' && input.slug === undefined) ||
        (error.kind === 'number' && input.number === undefined) ||
        error.kind === 'idempotency-key';
      if (!chosenByServer || attempt >= 3) throw conflictError(error, issue);
    }
  }
}

/** Replaces an issue's content (PUT). An input without slug or number keeps the current ones. */
export async function replaceIssue(
  context: RequestContext,
  editor: Editor,
  id: string,
  input: IssueInput,
  ifMatch: IfMatch,
): Promise<Issue> {
  const current = await loadIssue(context, id);
  await requireAccess(context, editor, current, 'write');
  const change = {
    ...(await contentFrom(input, context, current)),
    slug: input.slug ?? current.slug,
    number: input.number ?? current.number,
  };
  return commitChange(context, editor, current, change, 'update', { ifMatch, required: true });
}

/** Applies a JSON Merge Patch (RFC 7386): absent fields stay, `null` resets an optional one. */
export async function patchIssue(context: RequestContext, editor: Editor, id: string, patch: IssuePatch, ifMatch: IfMatch): Promise<Issue> {
  const current = await loadIssue(context, id);
  await requireAccess(context, editor, current, 'write');
  const defaults: Partial<IssueContent> = {
    subtitle: null,
    summary: [],
    teasers: [],
    tags: [],
    authors: [],
    cover: null,
    attachments: [],
    canonical_url: null,
    language: context.site.language,
  };
  const { cover, cover_image, attachments, ...plain } = patch;
  const change: Partial<IssueContent> = {};
  for (const [key, value] of Object.entries(plain) as [keyof IssueContent, unknown][]) {
    if (value === undefined) continue;
    Object.assign(change, { [key]: value === null ? defaults[key] : value });
  }
  const nextCover = coverFrom({ cover: mergeCover(cover, current.cover), cover_image }, current.cover);
  if (nextCover !== undefined && JSON.stringify(nextCover) !== JSON.stringify(current.cover)) {
    await checkCover(context, nextCover, cover_image !== undefined && cover === undefined ? '/cover_image' : '/cover/url');
    change.cover = nextCover;
  }
  if (attachments !== undefined) change.attachments = attachments === null ? [] : await resolveAttachments(context, attachments);
  return commitChange(context, editor, current, change, 'update', { ifMatch, required: true });
}

/** One issue in any status, for editors (contributors: one they created). */
export async function getIssue(context: RequestContext, editor: Editor, id: string): Promise<Issue> {
  const issue = await loadIssue(context, id);
  await requireAccess(context, editor, issue, 'read');
  return issue;
}

/** All issues, drafts included, most recently changed first (contributors: the ones they created). */
export async function listAllIssues(
  context: RequestContext,
  editor: Editor,
  options: { status?: Status; slug?: string; after: Cursor | null; limit: number },
): Promise<IssueListItem[]> {
  return listIssues(
    context.db,
    { ...options, ...(roleAllows(editor.role, 'read-any') ? {} : { createdBy: editor.name }) },
    context.site.url,
  );
}
