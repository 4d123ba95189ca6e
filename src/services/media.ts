import type { RequestContext } from '../config';
import { bytesSha256Hex } from '../domain/hashing';
import type { Issue } from '../domain/issue';
import { detectMedia, MEDIA_TYPES, type MediaRecord, mediaPath } from '../domain/media';
import { roleAllows } from '../domain/status';
import { conflict, invalidInput, notFound, takenDown, unavailable } from '../http/problem';
import { bumpGeneration, type ContentVersion, contentVersionRead } from '../storage/content-version';
import {
  deleteMediaRecord,
  findMedia,
  imageSizes,
  insertMedia,
  issuesReferencing,
  listMedia,
  mediaKey,
  takedownStatement,
  takenDownNames,
} from '../storage/media';
import { announceVersion } from './content-version';
import type { Editor } from './tokens';

/** A record as this editor may see it: a contributor is not told who else uploaded a file. */
export function visibleRecord(editor: Editor, record: MediaRecord): MediaRecord {
  if (roleAllows(editor.role, 'read-any')) return record;
  // Nor who took a file down: the record says that it was, and when.
  const masked = { ...record, taken_down_by: null };
  return record.created_by === editor.name ? masked : { ...masked, created_by: null };
}

/** The answer to an upload of bytes taken down. */
const notAgain = (at: string) => takenDown(`This file was taken down on ${at}; it cannot be uploaded again.`);

/**
 * Stores an upload: its type and (for an image) its size decided from its bytes, its key its
 * SHA-256. The same bytes uploaded again are the same file: nothing is written twice and the URL
 * is the first one. The bytes go to R2 first (which checks them against the hash), then the index
 * row, so a row always has its bytes.
 */
export async function uploadMedia(
  context: RequestContext,
  editor: Editor,
  bytes: Uint8Array,
): Promise<{ record: MediaRecord; created: boolean }> {
  const detected = detectMedia(bytes);
  if (!detected.ok) throw invalidInput([{ path: '', message: detected.reason }], detected.reason);
  const sha256 = await bytesSha256Hex(bytes);
  const existing = await findMedia(context.db, sha256);
  // A file taken down stays down: the same bytes cannot bring it back.
  if (existing?.taken_down_at) throw notAgain(existing.taken_down_at);
  // A row whose bytes went missing (a delete that stopped half way) gets its bytes back.
  if (existing !== null && (await context.media.head(mediaKey(existing))) !== null)
    return { record: visibleRecord(editor, existing), created: false };
  const record: MediaRecord = {
    sha256,
    ext: detected.ext,
    content_type: MEDIA_TYPES[detected.ext].contentType,
    bytes: bytes.byteLength,
    width: detected.width,
    height: detected.height,
    created_at: context.now().toISOString(),
    created_by: editor.name,
  };
  await context.media.put(mediaKey(record), bytes, { httpMetadata: { contentType: record.content_type }, sha256 });
  const created = existing === null ? await insertMedia(context.db, record) : false;
  // A takedown between the first read and the put deleted the bytes before they were put back:
  // read again after the put, and delete them again (the takedown's own delete came first).
  const stored = (await findMedia(context.db, sha256)) ?? record;
  if (stored.taken_down_at) {
    await context.media.delete(mediaKey(stored));
    throw notAgain(stored.taken_down_at);
  }
  return { record: visibleRecord(editor, stored), created };
}

/**
 * Uploads, newest first, each with the issues whose content or history mentions it: for a
 * contributor, only the issues it created (contributors see no one else's drafts, here as anywhere).
 */
export async function listUploads(context: RequestContext, editor: Editor, after: { at: string; id: string } | null, limit: number) {
  const createdBy = roleAllows(editor.role, 'read-any') ? undefined : editor.name;
  const records = await listMedia(context.db, { after, limit, ...(createdBy === undefined ? {} : { visibleTo: createdBy }) });
  return Promise.all(
    records.map(async (record) => ({
      record: visibleRecord(editor, record),
      issues: await issuesReferencing(context.db, mediaPath(record.sha256, record.ext), createdBy),
    })),
  );
}

/** Deletes an upload that no issue mentions, in its content or in any revision (409 otherwise). */
export async function deleteUpload(context: RequestContext, sha256: string): Promise<MediaRecord> {
  const record = await findMedia(context.db, sha256);
  if (record === null) throw notFound(`No upload has the hash ${sha256}.`);
  const issues = await issuesReferencing(context.db, mediaPath(record.sha256, record.ext));
  if (issues.length > 0) {
    throw conflict(
      'media-in-use',
      `${issues.length} issue(s) mention this file in their content or history (${issues
        .slice(0, 5)
        .map((i) => i.slug)
        .join(', ')}); it is kept.`,
    );
  }
  await context.media.delete(mediaKey(record));
  await deleteMediaRecord(context.db, sha256);
  return record;
}

/** The stored bytes of a file, or of one range of it. */
export async function readMedia(
  context: RequestContext,
  name: { sha256: string; ext: string },
  range: { offset: number; length: number } | null,
): Promise<R2ObjectBody | null> {
  return context.media.get(`${name.sha256}.${name.ext}`, range === null ? {} : { range });
}

/** A stored file's size, or null when there is none. */
export async function mediaSize(context: RequestContext, name: { sha256: string; ext: string }): Promise<number | null> {
  return (await context.media.head(`${name.sha256}.${name.ext}`))?.size ?? null;
}

/** The sizes of our own images an issue shows: its cover, and (with `body`) those in its HTML. */
export function issueImageSizes(
  context: RequestContext,
  issue: Pick<Issue, 'html' | 'cover'>,
  options: { body: boolean },
): Promise<Map<string, { width: number; height: number }>> {
  return imageSizesIn(context, `${options.body ? issue.html : ''} ${issue.cover?.url ?? ''}`);
}

/**
 * The sizes of our own uploaded images that an issue's HTML shows, by their absolute URL, so pages
 * and embeds can give each its width and height. Read inside a cached render: one query per render.
 */
export async function imageSizesIn(context: RequestContext, html: string): Promise<Map<string, { width: number; height: number }>> {
  const hashes = [...html.matchAll(/\/media\/([0-9a-f]{64})\.[a-z0-9]{3,4}\b/g)].map((m) => m[1]!);
  const rows = await imageSizes(context.db, hashes);
  return new Map(
    rows.flatMap((row) => {
      const size = { width: row.width ?? 0, height: row.height ?? 0 };
      const path = mediaPath(row.sha256, row.ext);
      return [
        [path, size],
        // As the sanitizer resolves a source: parsed, so the host is lowercase and a default port gone.
        [new URL(`${context.site.url}${path}`).href, size],
      ] as const;
    }),
  );
}

/**
 * Takes a file down (a legal request, a mistake): recorded with who, when and why, with the content
 * version moved in the same transaction (every cached reader output renders again, without it),
 * then its bytes deleted from R2. From then on /media answers 410 for it, issues show it as
 * removed, and the same bytes cannot be uploaded again. Taking down a file already down changes nothing.
 */
export async function takeDownUpload(context: RequestContext, editor: Editor, sha256: string, reason: string): Promise<MediaRecord> {
  const record = await findMedia(context.db, sha256);
  if (record === null) throw notFound(`No upload has the hash ${sha256}.`);
  if (!record.taken_down_at) {
    const db = context.db;
    const at = context.now().toISOString();
    const results = await db.batch([takedownStatement(db, sha256, at, editor.name, reason), bumpGeneration(db), contentVersionRead(db)]);
    announceVersion(context, results.at(-1)?.results[0] as ContentVersion, context.bookmark());
  }
  // Also when it was down already: a delete that stopped half way is finished.
  try {
    await context.media.delete(mediaKey(record));
  } catch (error) {
    console.warn(`media: the takedown of ${sha256} is recorded, but its bytes could not be deleted yet: ${String(error)}`);
    throw unavailable('The takedown is recorded, but the file could not be deleted from storage yet: send the same request again.', 5);
  }
  return (await findMedia(context.db, sha256)) ?? record;
}

/** The files taken down, by name (`<sha256>.<ext>`): read inside reader renders, which a takedown makes anew. */
export function takenDownFiles(context: RequestContext): Promise<Set<string>> {
  return takenDownNames(context.db);
}

/** Whether a file that R2 no longer has was taken down (then it is gone for good: 410). */
export async function wasTakenDown(context: RequestContext, sha256: string): Promise<MediaRecord | null> {
  const record = await findMedia(context.db, sha256);
  return record?.taken_down_at ? record : null;
}
