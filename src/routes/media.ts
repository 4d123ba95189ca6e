import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import { encodeCursor } from '../domain/cursor';
import { MAX_MEDIA_BYTES, MEDIA_TYPES, type MediaRecord, mediaPath, parseMediaName, type TakedownInput } from '../domain/media';
import { keysetPage } from '../domain/pages';
import type { MediaListQuerySchema } from '../domain/queries';
import { payloadTooLarge, readBytes } from '../http/body';
import { CACHE_POLICY } from '../http/cache-policy';
import { isNotModified } from '../http/conditional';
import { headerUri } from '../http/header-values';
import { HttpError, invalidInput, notFound, takenDown } from '../http/problem';
import { json } from '../http/respond';
import { deleteUpload, listUploads, mediaSize, readMedia, takeDownUpload, uploadMedia, wasTakenDown } from '../services/media';
import type { Editor } from '../services/tokens';

/** An upload as editors see it: where it is served, and what it is. */
function mediaJson(context: RequestContext, record: MediaRecord) {
  return {
    url: `${context.site.url}${mediaPath(record.sha256, record.ext)}`,
    sha256: record.sha256,
    content_type: record.content_type,
    bytes: record.bytes,
    ...(record.width === null ? {} : { width: record.width, height: record.height }),
    created_at: record.created_at,
    created_by: record.created_by,
    ...(record.taken_down_at
      ? { taken_down: { at: record.taken_down_at, by: record.taken_down_by ?? null, reason: record.taken_down_reason ?? '' } }
      : {}),
  };
}

/** The uploaded bytes: the raw body, or the `file` field of a multipart form; at most MAX_MEDIA_BYTES. */
async function uploadedBytes(request: Request): Promise<Uint8Array> {
  const type = (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'multipart/form-data') {
    // A form is read whole before its file can be measured: only one that declares its length
    // (checked against the limit at the door) is read; browsers and curl always declare it.
    if (request.headers.get('Content-Length') === null) {
      throw new HttpError(411, { name: 'length-required', detail: 'A multipart/form-data upload must declare its Content-Length.' });
    }
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw invalidInput([{ path: '', message: 'is not a readable multipart/form-data body' }]);
    }
    // One file a request, as one JSON key and one form field: which of two would be meant is not guessed.
    if (form.getAll('file').length > 1) throw invalidInput([{ path: '/file', message: 'must be sent once: upload one file a request' }]);
    const file = form.get('file');
    if (file === null || typeof file === 'string') throw invalidInput([{ path: '/file', message: 'is required: the file to upload' }]);
    if (file.size > MAX_MEDIA_BYTES) throw payloadTooLarge(MAX_MEDIA_BYTES);
    return new Uint8Array(await file.arrayBuffer());
  }
  return readBytes(request, MAX_MEDIA_BYTES);
}

/** `POST /api/v1/admin/media`: stores a file (201), or answers the same file's record again (200). */
export async function upload(request: IRequest, context: RequestContext, { editor }: { editor: Editor }): Promise<Response> {
  const { record, created } = await uploadMedia(context, editor, await uploadedBytes(request));
  const body = mediaJson(context, record);
  return json(body, { status: created ? 201 : 200, policy: 'editor', headers: { Location: headerUri(body.url) } });
}

/** `GET /api/v1/admin/media`: uploads, newest first, each with the issues that mention it. */
export async function list(
  _request: IRequest,
  context: RequestContext,
  { query, editor }: { query: v.InferOutput<typeof MediaListQuerySchema>; editor: Editor },
): Promise<Response> {
  const { items, next } = await keysetPage(
    query.limit,
    (limit) => listUploads(context, editor, query.cursor ?? null, limit),
    (last) => encodeCursor({ at: last.record.created_at, id: last.record.sha256 }),
  );
  return json(
    { media: items.map(({ record, issues }) => ({ ...mediaJson(context, record), issues })), next_cursor: next },
    { policy: 'editor' },
  );
}

/** `DELETE /api/v1/admin/media/{sha256}`: only a file no issue mentions, in its content or history. */
export async function remove(request: IRequest, context: RequestContext): Promise<Response> {
  const sha256 = request.params.sha256 ?? '';
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw notFound(`No upload has the hash ${sha256}.`);
  return json(mediaJson(context, await deleteUpload(context, sha256)), { policy: 'editor' });
}

/**
 * `GET /media/{sha256}.{ext}`: the file, forever cacheable (its name is its hash), with a strong
 * ETag, Range requests (206), and headers that never let it render as a page of ours.
 */
export async function serve(request: IRequest, context: RequestContext): Promise<Response> {
  const name = parseMediaName(request.params.name ?? '');
  if (name === null) throw notFound('No such file.');
  const etag = `"${name.sha256}"`;
  const headers = new Headers({
    'Content-Type': MEDIA_TYPES[name.ext].contentType,
    'Cache-Control': CACHE_POLICY.media,
    ETag: etag,
    'Accept-Ranges': 'bytes',
    // Images and audio play inline; a PDF is downloaded, never opened as a document of this origin.
    'Content-Disposition': `${MEDIA_TYPES[name.ext].kind === 'document' ? 'attachment' : 'inline'}; filename="${name.sha256}.${name.ext}"`,
    // Whatever a file holds, it runs nothing here: no script, no plugin, no form, sandboxed.
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
    'Cross-Origin-Resource-Policy': 'cross-origin',
  });
  // The plain read (an <img>, a download) is one R2 call; a revalidation or a range first asks
  // R2 the file's size, to answer 304 only for a file that exists and to judge the range.
  const conditional = request.headers.has('If-None-Match') || request.headers.has('Range');
  const size = conditional ? await mediaSize(context, name) : null;
  if (conditional && size === null) throw await missing(context, name.sha256);
  if (size !== null && isNotModified(request, etag, null)) return new Response(null, { status: 304, headers });
  const range = size === null ? null : byteRange(request.headers.get('Range'), size);
  if (range === 'unsatisfiable') throw rangeNotSatisfiable(size ?? 0);
  const object = await readMedia(context, name, range);
  if (object === null) throw await missing(context, name.sha256);
  if (range !== null) {
    headers.set('Content-Range', `bytes ${range.offset}-${range.offset + range.length - 1}/${object.size}`);
    headers.set('Content-Length', String(range.length));
    return new Response(object.body, { status: 206, headers });
  }
  headers.set('Content-Length', String(object.size));
  return new Response(object.body, { headers });
}

/** Why a file is not here: taken down (410, gone for good) or never stored (404). Asked only on a miss. */
async function missing(context: RequestContext, sha256: string): Promise<HttpError> {
  const record = await wasTakenDown(context, sha256);
  return record === null ? notFound('No such file.') : takenDown(`This file was taken down on ${record.taken_down_at}.`);
}

/** `POST /api/v1/admin/media/{sha256}/takedown`: the file goes, at once and for good; who, when and why are kept. */
export async function takedown(
  request: IRequest,
  context: RequestContext,
  { body, editor }: { body: TakedownInput; editor: Editor },
): Promise<Response> {
  const sha256 = request.params.sha256 ?? '';
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw notFound(`No upload has the hash ${sha256}.`);
  return json(mediaJson(context, await takeDownUpload(context, editor, sha256, body.reason)), { policy: 'editor' });
}

/**
 * The one byte range a `Range` header asks for (RFC 9110 §14.1.2), within `size`; null to send the
 * whole file (no header, another unit, or several ranges, which a server may answer whole);
 * 'unsatisfiable' when it starts past the end.
 */
function byteRange(header: string | null, size: number): { offset: number; length: number } | 'unsatisfiable' | null {
  const match = header === null ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Math.min(Number(match[2]), size);
    return suffix === 0 ? 'unsatisfiable' : { offset: size - suffix, length: suffix };
  }
  const first = Number(match[1]);
  if (first >= size) return 'unsatisfiable';
  const last = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return last < first ? null : { offset: first, length: last - first + 1 };
}

/** A Range that R2 could not satisfy is answered 416 (RFC 9110 §15.5.17). */
function rangeNotSatisfiable(size: number): HttpError {
  return new HttpError(
    416,
    { name: 'range-not-satisfiable', detail: `The range is outside the file (${size} bytes).` },
    { 'Content-Range': `bytes */${size}` },
  );
}
