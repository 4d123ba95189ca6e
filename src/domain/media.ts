import { imageSize } from 'image-size';
import * as v from 'valibot';
import { imageProblem, isMp3, isoBoxes } from './media-structure';
import { CONTROL_CHARS, strictObject } from './validation';

/** The largest upload: 25 MiB (a podcast episode at 64 kbit/s runs about 55 minutes). */
export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

/** What Masthead stores: raster images, PDF documents and audio (podcast-style attachments). */
export const MEDIA_TYPES = {
  png: { contentType: 'image/png', kind: 'image' },
  jpg: { contentType: 'image/jpeg', kind: 'image' },
  gif: { contentType: 'image/gif', kind: 'image' },
  webp: { contentType: 'image/webp', kind: 'image' },
  avif: { contentType: 'image/avif', kind: 'image' },
  pdf: { contentType: 'application/pdf', kind: 'document' },
  mp3: { contentType: 'audio/mpeg', kind: 'audio' },
  m4a: { contentType: 'audio/mp4', kind: 'audio' },
} as const;
export type MediaExtension = keyof typeof MEDIA_TYPES;
export type MediaKind = (typeof MEDIA_TYPES)[MediaExtension]['kind'];

export type Detected = { ok: true; ext: MediaExtension; width: number | null; height: number | null } | { ok: false; reason: string };

const ascii = (bytes: Uint8Array, from: number, length: number) => String.fromCharCode(...bytes.subarray(from, from + length));
const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) => signature.every((b, i) => bytes[at + i] === b);

/** The brand of an ISO base media file (`ftyp` box), and its compatible brands. */
function isoBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return null;
  const size = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  // The major brand and a few compatible ones are enough to tell AVIF and M4A apart.
  const end = Math.min(size, bytes.length, 64);
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4));
  return brands;
}

/** An MPEG audio frame header: sync, a valid version, layer III, and a bitrate and sample rate that exist. */
function isMpegFrame(bytes: Uint8Array, at: number): boolean {
  const [a, b, c] = [bytes[at], bytes[at + 1], bytes[at + 2]];
  if (a !== 0xff || b === undefined || c === undefined || (b & 0xe0) !== 0xe0) return false;
  const version = (b >> 3) & 3;
  const layer = (b >> 1) & 3;
  const bitrate = c >> 4;
  const rate = (c >> 2) & 3;
  return version !== 1 && layer === 1 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

/**
 * Whether the file is whole: a truncated upload would be stored for good under its hash. PNG ends
 * with its IEND chunk, GIF with its trailer, JPEG with the end-of-image marker; a RIFF (WebP) file
 * is as long as its header says.
 */
function isComplete(ext: MediaExtension, bytes: Uint8Array): boolean {
  const n = bytes.length;
  switch (ext) {
    case 'png':
      return n >= 12 && ascii(bytes, n - 8, 4) === 'IEND';
    case 'gif':
      return bytes[n - 1] === 0x3b;
    case 'jpg': {
      // Trailing bytes after the end-of-image marker (some cameras pad) are tolerated, not missing ones.
      for (let i = n - 2; i >= Math.max(2, n - 4096); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
      return false;
    }
    case 'webp': {
      const size = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
      return size + 8 === n || size + 9 === n;
    }
    case 'pdf':
      return /%%EOF\s*$/.test(ascii(bytes, Math.max(0, n - 1024), 1024));
    default:
      return true;
  }
}

/**
 * What a file is, decided from its bytes (magic numbers), never from the name or header it came
 * with; for an image, its width and height from its own headers. SVG and HTML are refused: both
 * can carry script. Anything else not listed in MEDIA_TYPES is refused too.
 */
export function detectMedia(bytes: Uint8Array): Detected {
  if (bytes.length === 0) return { ok: false, reason: 'The file is empty.' };
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  const head = ascii(bytes, bom, Math.min(bytes.length - bom, 512))
    .trimStart()
    .toLowerCase();
  if (head.startsWith('<')) {
    return { ok: false, reason: 'SVG, HTML and other markup are refused: they can carry scripts. Convert a drawing to PNG or WebP.' };
  }
  let ext: MediaExtension | null = null;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ext = 'png';
  else if (startsWith(bytes, [0xff, 0xd8, 0xff])) ext = 'jpg';
  else if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') ext = 'gif';
  else if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') ext = 'webp';
  else if (ascii(bytes, 0, 5) === '%PDF-') ext = 'pdf';
  else if (ascii(bytes, 0, 3) === 'ID3' || isMpegFrame(bytes, 0)) {
    if (!isMp3(bytes)) return { ok: false, reason: 'The file starts as an MP3 but is not MPEG audio frames from start to end.' };
    ext = 'mp3';
  } else {
    const brands = isoBrands(bytes);
    if (brands?.some((b) => b === 'avif' || b === 'avis')) ext = 'avif';
    else if (brands?.some((b) => b === 'M4A ' || b === 'M4B ')) ext = 'm4a';
    if (ext !== null && isoBoxes(bytes) === null) {
      return { ok: false, reason: `The file starts as ${ext.toUpperCase()} but its boxes do not run from its start to its end.` };
    }
    if (ext === 'm4a' && !isoBoxes(bytes)!.includes('moov')) return { ok: false, reason: 'The M4A file has no movie (moov) box.' };
  }
  if (ext === null) {
    return { ok: false, reason: 'The file is none of PNG, JPEG, GIF, WebP, AVIF, PDF, MP3 or M4A (judged by its bytes).' };
  }
  if (!isComplete(ext, bytes)) return { ok: false, reason: `The ${ext.toUpperCase()} file is truncated: its end is missing.` };
  if (MEDIA_TYPES[ext].kind !== 'image') return { ok: true, ext, width: null, height: null };
  try {
    const { width, height, orientation } = imageSize(bytes);
    if (!(width > 0 && height > 0)) throw new Error('no size');
    // EXIF orientations 5 to 8 turn the picture a quarter: it is shown with its sides swapped.
    const turned = orientation !== undefined && orientation >= 5 && orientation <= 8;
    const problem = imageProblem(ext, bytes, width, height);
    if (problem !== null) return { ok: false, reason: `The ${ext.toUpperCase()} file is refused: ${problem}.` };
    return { ok: true, ext, width: turned ? height : width, height: turned ? width : height };
  } catch {
    return { ok: false, reason: `The ${ext.toUpperCase()} file's headers give no width and height: it is damaged or not an image.` };
  }
}

/** An uploaded file as the index holds it (its bytes are in R2 under `sha256.ext`). */
export interface MediaRecord {
  sha256: string;
  ext: MediaExtension;
  content_type: string;
  bytes: number;
  width: number | null;
  height: number | null;
  created_at: string;
  created_by: string | null;
  /** Set by a takedown: the bytes are gone, the record stays. */
  taken_down_at?: string | null;
  taken_down_by?: string | null;
  taken_down_reason?: string | null;
}

/** A media file's address on the site: its SHA-256 and extension, so it never changes. */
export const mediaPath = (sha256: string, ext: MediaExtension) => `/media/${sha256}.${ext}`;

/** `<sha256>.<ext>` of a media path segment, or null. */
export function parseMediaName(name: string): { sha256: string; ext: MediaExtension } | null {
  const match = /^([0-9a-f]{64})\.([a-z0-9]{3,4})$/.exec(name);
  if (match === null || !Object.hasOwn(MEDIA_TYPES, match[2]!)) return null;
  return { sha256: match[1]!, ext: match[2] as MediaExtension };
}

/** An upload as editors see it (`POST` and `GET /api/v1/admin/media`). */
export const MediaSchema = v.object({
  url: v.string(),
  sha256: v.string(),
  content_type: v.string(),
  bytes: v.number(),
  width: v.optional(v.number()),
  height: v.optional(v.number()),
  created_at: v.string(),
  created_by: v.nullable(v.string()),
  /** Present once the file was taken down: who, when and why. */
  taken_down: v.optional(v.object({ at: v.string(), by: v.nullable(v.string()), reason: v.string() })),
});

/** A takedown's body: why the file goes (a legal request, a mistake), kept with who and when. */
export const TakedownInputSchema = strictObject({
  reason: v.pipe(
    v.string('must be a string'),
    v.trim(),
    v.minLength(1, 'must say why the file is taken down'),
    v.maxLength(1000, 'must be at most 1000 characters'),
    v.check((s) => !CONTROL_CHARS.test(s), 'must not contain control characters'),
  ),
});
export type TakedownInput = v.InferOutput<typeof TakedownInputSchema>;

export const MediaListSchema = v.object({
  media: v.array(v.object({ ...MediaSchema.entries, issues: v.array(v.object({ id: v.string(), slug: v.string(), title: v.string() })) })),
  next_cursor: v.nullable(v.string()),
});
