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

/** The end of the ID3v2 tag at the start of the file (0 without one), or -1 for a broken tag. */
function id3v2End(b: Uint8Array): number {
  if (ascii(b, 0, 3) !== 'ID3') return 0;
  if (b.length < 10 || [6, 7, 8, 9].some((i) => b[i]! > 0x7f)) return -1;
  const size = (b[6]! << 21) | (b[7]! << 14) | (b[8]! << 7) | b[9]!;
  const footer = b[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** The trailing tags an MP3 may end with: ID3v1 (128 bytes) and APEv2 (`APETAGEX`, footer-sized). */
function audioEnd(b: Uint8Array): number {
  let end = b.length;
  if (end >= 128 && ascii(b, end - 128, 3) === 'TAG') end -= 128;
  if (end >= 32 && ascii(b, end - 32, 8) === 'APETAGEX') {
    const size = b[end - 20]! | (b[end - 19]! << 8) | (b[end - 18]! << 16) | (b[end - 17]! << 24);
    // The size counts the items and the footer; a header, when present, comes before them.
    const header = b[end - 9]! & 0x80 ? 32 : 0;
    if (size >= 32 && size + header <= end) end -= size + header;
  }
  return end;
}

/** Whether the bytes are an MP3: an optional ID3v2 tag, then MPEG layer III frames back to back to the end. */
export function isMp3(b: Uint8Array): boolean {
  let at = id3v2End(b);
  if (at < 0) return false;
  const end = audioEnd(b);
  let frames = 0;
  while (at < end) {
    const length = mpegFrameLength(b, at);
    if (length < 4) return false;
    at += length;
    frames++;
  }
  // Frames tile the file exactly: anything after the last one (a page, an archive) is not audio.
  return frames >= 1 && at === end;
}

/**
 * The top-level boxes of an ISO base media file (MP4, M4A, AVIF), which must tile the file exactly
 * with four-letter types; null when they do not.
 */
export function isoBoxes(b: Uint8Array): string[] | null {
  const types: string[] = [];
  let at = 0;
  while (at < b.length) {
    if (at + 8 > b.length) return null;
    let size = u32(b, at);
    const type = ascii(b, at + 4, 4);
    if (!/^[\x20-\x7e]{4}$/.test(type)) return null;
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

/** PNG: chunks back to back from IHDR to IEND, and enough compressed data for the declared pixels. */
function pngProblem(b: Uint8Array, width: number, height: number): string | null {
  let at = 8;
  let idat = 0;
  let sawEnd = false;
  let bitsPerPixel = 32;
  while (at + 12 <= b.length && !sawEnd) {
    const length = u32(b, at);
    const type = ascii(b, at + 4, 4);
    if (at + 12 + length > b.length) return 'its chunks run past its end';
    if (type === 'IHDR' && length >= 13) {
      const depth = b[at + 16]!;
      const channels = [1, 0, 3, 1, 2, 0, 4][b[at + 17]!] ?? 4;
      bitsPerPixel = depth * channels;
    }
    if (type === 'IDAT') idat += length;
    if (type === 'IEND') sawEnd = true;
    at += 12 + length;
  }
  if (!sawEnd) return 'it does not end with its IEND chunk';
  // Deflate cannot shrink data more than about 1032 to 1: fewer compressed bytes than that cannot hold the pixels.
  const raw = height * (1 + Math.ceil((width * bitsPerPixel) / 8));
  if (idat === 0 || idat < raw / 1032) return `it declares ${width} × ${height} pixels but holds only ${idat} bytes of image data`;
  return null;
}

/** The image data an image must carry, beyond its headers; null when it is there. */
function imageDataProblem(ext: string, b: Uint8Array, width: number, height: number): string | null {
  switch (ext) {
    case 'png':
      return pngProblem(b, width, height);
    case 'jpg':
      for (let i = 2; i + 1 < b.length; i++) if (b[i] === 0xff && b[i + 1] === 0xda) return null;
      return 'it has no scan (SOS) of image data';
    case 'gif':
      return b.includes(0x2c) ? null : 'it has no image descriptor';
    case 'webp': {
      // RIFF chunks after the form type: a VP8 or VP8L bitstream, or an animation frame.
      for (let at = 12; at + 8 <= b.length; ) {
        const size = (b[at + 4]! | (b[at + 5]! << 8) | (b[at + 6]! << 16) | (b[at + 7]! << 24)) >>> 0;
        if (['VP8 ', 'VP8L', 'ANMF'].includes(ascii(b, at, 4)) && size > 0) return null;
        at += 8 + size + (size % 2);
      }
      return 'it has no VP8 or VP8L image data';
    }
    case 'avif': {
      const boxes = isoBoxes(b);
      return boxes?.includes('meta') && boxes.includes('mdat') ? null : 'its boxes are not an ftyp, a meta and a mdat';
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
