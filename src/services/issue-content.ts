import type { RequestContext } from '../config';
import type { Attachment, AttachmentInput, Cover, CoverPatch } from '../domain/issue';
import { MEDIA_TYPES, type MediaRecord, mediaPath, parseMediaName } from '../domain/media';
import type { FieldError } from '../domain/validation';
import { invalidInput } from '../http/problem';
import { uploadNameAt } from '../render/urls';
import { findMedia } from '../storage/media';

/** How an input names the cover: `cover`, or `cover_image` (the older spelling of `cover.url`). */
export interface CoverInput {
  cover?: Cover | null | undefined;
  cover_image?: string | null | undefined;
}

/**
 * A patch's cover merged into the current one (RFC 7386): members left out stay as they are, and
 * an issue without a cover needs its `url`.
 */
export function mergeCover(patch: CoverPatch | null | undefined, current: Cover | null): Cover | null | undefined {
  if (patch === undefined || patch === null) return patch;
  const url = patch.url ?? current?.url;
  if (url === undefined) {
    throw invalidInput(
      [{ path: '/cover/url', message: 'is required: the issue has no cover yet' }],
      'A cover needs its address; see `errors`.',
    );
  }
  const keepsAlt = patch.alt === undefined && current !== null && current.url === url;
  return { url, alt: keepsAlt ? current.alt : (patch.alt ?? '') };
}

const NOT_UPLOADED = 'is not a file uploaded here: upload it with POST /api/v1/admin/media and use the url it answers';

/** The media index's record of our upload at `url`: undefined for a file elsewhere, null for one of ours that is not stored. */
async function uploadAt(context: RequestContext, url: string): Promise<MediaRecord | null | undefined> {
  const name = uploadNameAt(context.site, url);
  if (!name) return name;
  const record = await findMedia(context.db, name.sha256);
  return record?.ext === name.ext ? record : null;
}

/**
 * Checks a cover that is one of our uploads: it must be in the media index, and an image. A cover
 * elsewhere is the editor's to vouch for. `path` is where the input gave it.
 */
export async function checkCover(context: RequestContext, cover: Cover | null, path: string): Promise<void> {
  const record = cover === null ? undefined : await uploadAt(context, cover.url);
  if (record === undefined) return;
  if (record === null) throw invalidInput([{ path, message: NOT_UPLOADED }]);
  if (MEDIA_TYPES[record.ext].kind !== 'image') {
    throw invalidInput([{ path, message: `must be an image (PNG, JPEG, GIF, WebP or AVIF); this upload is ${record.content_type}` }]);
  }
}

/**
 * The cover an input asks for; `undefined` when it names none (a patch then keeps the current one).
 * `cover_image` alone keeps the current alt text if the address is the current one. Given both,
 * they must agree: a client that read an issue and sends it back sends both.
 */
export function coverFrom(input: CoverInput, current: Cover | null): Cover | null | undefined {
  const { cover, cover_image: url } = input;
  if (url === undefined) return cover;
  if (cover === undefined) return url === null ? null : { url, alt: current?.url === url ? current.alt : '' };
  if ((cover?.url ?? null) === url) return cover;
  throw invalidInput(
    [{ path: '/cover_image', message: 'must be left out, or equal /cover/url: it is the older spelling of the same address' }],
    'The cover is given twice, as `cover` and `cover_image`, and they differ; send `cover` alone.',
  );
}

/**
 * Attachments with their type and length: an upload of ours (`/media/…`) gives its own, and any
 * sent with it must match; a file elsewhere must come with both. 400 names every item at fault.
 */
export async function resolveAttachments(context: RequestContext, inputs: readonly AttachmentInput[]): Promise<Attachment[]> {
  const errors: FieldError[] = [];
  const resolved: Attachment[] = [];
  for (const [i, input] of inputs.entries()) {
    const at = `/attachments/${i}`;
    const record = await uploadAt(context, input.url);
    if (record === null) {
      errors.push({ path: `${at}/url`, message: NOT_UPLOADED });
      continue;
    }
    if (record !== undefined) {
      if (input.content_type !== undefined && input.content_type !== record.content_type) {
        errors.push({ path: `${at}/content_type`, message: `must be ${record.content_type} (the upload's), or left out` });
      }
      if (input.bytes !== undefined && input.bytes !== record.bytes) {
        errors.push({ path: `${at}/bytes`, message: `must be ${record.bytes} (the upload's), or left out` });
      }
      resolved.push({ url: input.url, title: input.title, content_type: record.content_type, bytes: record.bytes });
      continue;
    }
    if (input.content_type === undefined) {
      errors.push({ path: `${at}/content_type`, message: 'is required for a file that is not uploaded here (feeds must state its type)' });
    }
    if (input.bytes === undefined) {
      errors.push({ path: `${at}/bytes`, message: 'is required for a file that is not uploaded here (feeds must state its length)' });
    }
    if (input.content_type !== undefined && input.bytes !== undefined) {
      resolved.push({ url: input.url, title: input.title, content_type: input.content_type, bytes: input.bytes });
    }
  }
  if (errors.length > 0) throw invalidInput(errors, 'An attachment cannot be used as it is; see `errors`.');
  return resolved;
}

/**
 * An address under any site whose path names a file in our media index (`…/media/<sha256>.<ext>`:
 * the same bytes, by their hash) as that file's address on this site; any other address as it is.
 * For revisions saved before uploads were kept by their path, under an earlier SITE_URL.
 */
export async function asOwnUpload(context: RequestContext, url: string): Promise<string> {
  if (!URL.canParse(url)) return url;
  const { pathname } = new URL(url);
  const name = parseMediaName(pathname.split('/').at(-1) ?? '');
  if (name === null || !pathname.endsWith(mediaPath(name.sha256, name.ext))) return url;
  const record = await findMedia(context.db, name.sha256);
  return record?.ext === name.ext ? `${context.site.url}${mediaPath(name.sha256, name.ext)}` : url;
}
