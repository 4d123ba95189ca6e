// A file's kind comes from its structure, not from its first bytes: a few magic bytes followed by
// HTML or a ZIP would otherwise be stored and served from the site's own origin as audio or an
// image. Audio must read as consecutive MPEG frames or as an ISO BMFF box tree from its first
// byte to its last; an image must declare a plausible size and carry data for it.

/** The largest picture accepted: 16,384 px a side and 50 megapixels (a phone's 48 MP photo fits). */
export const MAX_IMAGE_SIDE = 16_384;
export const MAX_IMAGE_PIXELS = 50_000_000;

const u32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

const MPEG1_L3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_L3_KBPS = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = { 3: [44_100, 48_000, 32_000], 2: [22_050, 24_000, 16_000], 0: [11_025, 12_000, 8_000] };

/** The length of the MPEG layer III frame whose header starts at `at`, or 0 when there is none. */
function mpegFrameLength(b: Uint8Array, at: number): number {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1]! & 0xe0) !== 0xe0) return 0;
  const version = (b[at + 1]! >> 3) & 3;
  const layer = (b[at + 1]! >> 1) & 3;
  const bitrateIndex = b[at + 2]! >> 4;
  const rateIndex = (b[at + 2]! >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return 0;
  const kbps = (version === 3 ? MPEG1_L3_KBPS : MPEG2_L3_KBPS)[bitrateIndex]!;
  const rate = SAMPLE_RATES[version]![rateIndex]!;
  const padding = (b[at + 2]! >> 1) & 1;
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + padding;
}

/** Whether `b[from, to)` are ID3v2 frames (then zero padding): a tag is a tag, not a place to hide a page. */
function id3Frames(b: Uint8Array, from: number, to: number, version: number): boolean {
  const idLength = version === 2 ? 3 : 4;
  const headerLength = version === 2 ? 6 : 10;
  let at = from;
  while (at + headerLength <= to && b[at] !== 0) {
    if (!/^[A-Z0-9]+$/.test(ascii(b, at, idLength))) return false;
    const size =
      version === 2
        ? (b[at + 3]! << 16) | (b[at + 4]! << 8) | b[at + 5]!
        : version === 4
          ? ((b[at + 4]! & 0x7f) << 21) | ((b[at + 5]! & 0x7f) << 14) | ((b[at + 6]! & 0x7f) << 7) | (b[at + 7]! & 0x7f)
          : u32(b, at + 4);
    at += headerLength + size;
    if (at > to) return false;
  }
  for (; at < to; at++) if (b[at] !== 0) return false;
  return true;
}

/** The end of the ID3v2 tags at the start of the file (0 without one), or -1 for a tag that is not one. */
function id3v2End(b: Uint8Array): number {
  let at = 0;
  while (ascii(b, at, 3) === 'ID3') {
    if (b.length < at + 10 || [6, 7, 8, 9].some((i) => b[at + i]! > 0x7f)) return -1;
    const version = b[at + 3]!;
    const flags = b[at + 5]!;
    if (version < 2 || version > 4) return -1;
    const size = (b[at + 6]! << 21) | (b[at + 7]! << 14) | (b[at + 8]! << 7) | b[at + 9]!;
    const end = at + 10 + size + (flags & 0x10 ? 10 : 0);
    if (end > b.length) return -1;
    // Unsynchronised or with an extended header, its frames are not walked (both are rare); a plain one must be frames.
    if ((flags & 0xc0) === 0 && !id3Frames(b, at + 10, at + 10 + size, version)) return -1;
    at = end;
  }
  // Encoders may pad between the tag and the first frame.
  while (at < b.length && b[at] === 0) at++;
  return at;
}

/**
 * Where the audio ends: before the tags an MP3 may end with (ID3v1 and its extended TAG+, Lyrics3
 * v2, APEv2) and any zero padding.
 */
function audioEnd(b: Uint8Array): number {
  let end = b.length;
  if (end >= 128 && ascii(b, end - 128, 3) === 'TAG') {
    end -= 128;
    if (end >= 227 && ascii(b, end - 227, 4) === 'TAG+') end -= 227;
  }
  if (end >= 15 && ascii(b, end - 9, 9) === 'LYRICS200') {
    const size = Number(ascii(b, end - 15, 6));
    if (Number.isInteger(size) && size + 15 <= end && ascii(b, end - 15 - size, 11) === 'LYRICSBEGIN') end -= size + 15;
  }
  if (end >= 32 && ascii(b, end - 32, 8) === 'APETAGEX') {
    const size = b[end - 20]! | (b[end - 19]! << 8) | (b[end - 18]! << 16) | (b[end - 17]! << 24);
    // The size counts the items and the footer; a header, when present, comes before them.
    const header = b[end - 9]! & 0x80 ? 32 : 0;
    if (size >= 32 && size + header <= end) end -= size + header;
  }
  while (end > 0 && b[end - 1] === 0) end--;
  return end;
}

/**
 * Whether the bytes are an MP3: ID3v2 tags of frames, then MPEG layer III frames back to back to
 * the end (the last one may be cut short, as a cut download or stream is), then the tags MP3s end with.
 */
export function isMp3(b: Uint8Array): boolean {
  let at = id3v2End(b);
  if (at < 0) return false;
  const end = audioEnd(b);
  let frames = 0;
  while (at < end) {
    const length = mpegFrameLength(b, at);
    if (length < 4) return false;
    if (at + length > end && frames === 0) return false;
    at += length;
    frames++;
  }
  return frames >= 1;
}

/** The top-level boxes an ISO base media file (MP4, M4A, AVIF) may have. */
const ISO_TOP_LEVEL = new Set([
  'ftyp',
  'styp',
  'moov',
  'mdat',
  'free',
  'skip',
  'wide',
  'uuid',
  'meta',
  'pdin',
  'moof',
  'mfra',
  'sidx',
  'ssix',
  'emsg',
  'prft',
  'udta',
]);

/**
 * The top-level boxes of an ISO base media file (MP4, M4A, AVIF), which must tile the file exactly
 * with four-letter types; null when they do not.
 */
export function isoBoxes(b: Uint8Array): string[] | null {
  const types: string[] = [];
  let at = 0;
  // Zero padding after the last box is tolerated (some tools pad), nothing else.
  let end = b.length;
  while (end > at && b[end - 1] === 0) end--;
  while (at < end) {
    if (at + 8 > b.length) return null;
    let size = u32(b, at);
    const type = ascii(b, at + 4, 4);
    if (!ISO_TOP_LEVEL.has(type)) return null;
    if (size === 1) {
      if (at + 16 > b.length) return null;
      size = u32(b, at + 8) * 2 ** 32 + u32(b, at + 12);
      if (size < 16) return null;
    } else if (size === 0) size = b.length - at;
    else if (size < 8) return null;
    if (at + size > b.length) return null;
    types.push(type);
    at += size;
  }
  return types[0] === 'ftyp' ? types : null;
}

/** The bit depths each PNG colour type allows, and its channels (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
const PNG_TYPES: Record<number, { depths: number[]; channels: number }> = {
  0: { depths: [1, 2, 4, 8, 16], channels: 1 },
  2: { depths: [8, 16], channels: 3 },
  3: { depths: [1, 2, 4, 8], channels: 1 },
  4: { depths: [8, 16], channels: 2 },
  6: { depths: [8, 16], channels: 4 },
};

/** PNG: a valid IHDR first, chunks back to back to an IEND that ends the file, and enough compressed data for the pixels. */
function pngProblem(b: Uint8Array, width: number, height: number): string | null {
  if (u32(b, 8) !== 13 || ascii(b, 12, 4) !== 'IHDR') return 'it does not start with its IHDR chunk';
  const depth = b[24]!;
  const kind = PNG_TYPES[b[25]!];
  if (kind === undefined || !kind.depths.includes(depth) || b[26] !== 0 || b[27] !== 0 || b[28]! > 1) {
    return 'its header names no valid colour type, bit depth or method';
  }
  let at = 8;
  let idat = 0;
  for (;;) {
    if (at + 12 > b.length) return 'its chunks run past its end';
    const length = u32(b, at);
    const type = ascii(b, at + 4, 4);
    if (at + 12 + length > b.length) return 'its chunks run past its end';
    if (type === 'IDAT') idat += length;
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (at !== b.length) return 'it goes on after its IEND chunk';
  // Deflate cannot shrink data more than about 1032 to 1: fewer compressed bytes than that cannot hold the pixels.
  const raw = height * (1 + Math.ceil((width * depth * kind.channels) / 8));
  if (idat === 0 || idat < raw / 1032) return `it declares ${width} × ${height} pixels but holds only ${idat} bytes of image data`;
  return null;
}

/** GIF: its blocks walked from the screen descriptor to the trailer, at least one image among them. */
function gifProblem(b: Uint8Array): string | null {
  const table = (flags: number) => (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  let at = 13 + table(b[10]!);
  let images = 0;
  /** Skips data sub-blocks (a length byte, that many bytes, until a zero length). */
  const subBlocks = (from: number) => {
    let i = from;
    while (i < b.length && b[i] !== 0) i += b[i]! + 1;
    return i + 1;
  };
  while (at < b.length) {
    const block = b[at]!;
    if (block === 0x3b) return images > 0 ? null : 'it holds no image';
    if (block === 0x21) at = subBlocks(at + 2);
    else if (block === 0x2c) {
      images++;
      at = subBlocks(at + 10 + table(b[at + 9]!) + 1);
    } else return 'its blocks are not GIF blocks';
  }
  return 'it has no trailer';
}

/** JPEG: its segments walked from the start to the first scan, a frame header (SOF) before it. */
function jpegProblem(b: Uint8Array): string | null {
  let at = 2;
  let frame = false;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return 'its segments are not JPEG segments';
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xda) return frame ? null : 'it has a scan before any frame header';
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) frame = true;
    at += 2 + ((b[at + 2]! << 8) | b[at + 3]!);
  }
  return 'it has no scan (SOS) of image data';
}

/** WebP: a VP8 or VP8L bitstream (with its signature) or an animation frame, among its RIFF chunks. */
function webpProblem(b: Uint8Array): string | null {
  for (let at = 12; at + 8 <= b.length; ) {
    const type = ascii(b, at, 4);
    const size = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
    const data = at + 8;
    if (type === 'VP8L' && size >= 5 && b[data] === 0x2f) return null;
    if (type === 'VP8 ' && size >= 10 && b[data + 3] === 0x9d && b[data + 4] === 0x01 && b[data + 5] === 0x2a) return null;
    if (type === 'ANMF' && size > 16) return null;
    at = data + size + (size % 2);
  }
  return 'it has no VP8 or VP8L image data';
}

/** The image data an image must carry, beyond its headers; null when it is there. */
function imageDataProblem(ext: string, b: Uint8Array, width: number, height: number): string | null {
  switch (ext) {
    case 'png':
      return pngProblem(b, width, height);
    case 'jpg':
      return jpegProblem(b);
    case 'gif':
      return gifProblem(b);
    case 'webp':
      return webpProblem(b);
    case 'avif': {
      const boxes = isoBoxes(b);
      return boxes?.includes('mdat') && (boxes.includes('meta') || boxes.includes('moov'))
        ? null
        : 'its boxes are not an ftyp, a meta and a mdat';
    }
    default:
      return null;
  }
}

/** Why an image of this declared size is refused, or null when its size is plausible and its data present. */
export function imageProblem(ext: string, b: Uint8Array, width: number, height: number): string | null {
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    return `its declared size, ${width} × ${height}, is past the limit of ${MAX_IMAGE_SIDE} px a side and ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`;
  }
  return imageDataProblem(ext, b, width, height);
}
