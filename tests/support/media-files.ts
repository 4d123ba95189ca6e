/**
 * Small but well-formed files of every media type, built here so the tests need no binary
 * fixtures: each carries the width and height it is built with where its format has them.
 */
const enc = new TextEncoder();
/** The parts (byte arrays, numbers, ASCII text) as one byte array. */
export const bytes = (...parts: (number[] | Uint8Array | string)[]) => {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};
export const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n: number) => [(n >>> 8) & 255, n & 255];
const le24 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255];
const le32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typed = bytes(type, data);
  return bytes(u32(data.length), typed, u32(crc32(typed)));
}

/** A PNG of one colour (8-bit RGB), `width` × `height`. */
export async function png(width: number, height: number, rgb: [number, number, number] = [11, 87, 208]): Promise<Uint8Array> {
  const row = bytes([0], ...Array.from({ length: width }, () => rgb));
  const raw = bytes(...Array.from({ length: height }, () => row));
  return bytes(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chunk('IHDR', bytes(u32(width), u32(height), [8, 2, 0, 0, 0])),
    chunk('IDAT', await deflate(raw)),
    chunk('IEND', new Uint8Array()),
  );
}

/** A GIF whose logical screen is `width` × `height` (one pixel of image data). */
export function gif(width: number, height: number): Uint8Array {
  return bytes(
    'GIF89a',
    [width & 255, width >> 8, height & 255, height >> 8],
    [0x80, 0, 0],
    [0, 0, 0, 255, 255, 255],
    [0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0],
    [2, 2, 0x44, 1, 0],
    [0x3b],
  );
}

/** A baseline JPEG header with its frame size (SOF0), and the end-of-image marker. */
export function jpeg(width: number, height: number): Uint8Array {
  return bytes(
    [0xff, 0xd8],
    [0xff, 0xe0, ...u16(16)],
    'JFIF\0',
    [1, 1, 0, 0, 1, 0, 1, 0, 0],
    [0xff, 0xc0, ...u16(17), 8, ...u16(height), ...u16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
    [0xff, 0xda, ...u16(12), 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0],
    [0x00, 0xff, 0xd9],
  );
}

/** An extended WebP (VP8X) header of `width` × `height`. */
export function webp(width: number, height: number): Uint8Array {
  // VP8X's canvas size, then a (token) VP8L image-data chunk.
  const body = bytes('WEBP', 'VP8X', le32(10), [0, 0, 0, 0], le24(width - 1), le24(height - 1), 'VP8L', le32(6), [0x2f, 0, 0, 0, 0, 0]);
  return bytes('RIFF', le32(body.length), body);
}

/** An AVIF's boxes down to its image size (`ftyp`, `meta` › `iprp` › `ipco` › `ispe`). */
export function avif(width: number, height: number): Uint8Array {
  const box = (type: string, ...content: (number[] | Uint8Array | string)[]) => {
    const inner = bytes(...content);
    return bytes(u32(inner.length + 8), type, inner);
  };
  const ispe = box('ispe', [0, 0, 0, 0], u32(width), u32(height));
  return bytes(
    box('ftyp', 'avif', [0, 0, 0, 0], 'mif1'),
    box('meta', [0, 0, 0, 0], box('iprp', box('ipco', ispe))),
    box('mdat', [0, 0, 0, 0]),
  );
}

export const pdf = (): Uint8Array => bytes('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** An MP3: an ID3 tag, then MPEG-1 layer III frames (128 kbit/s, 44.1 kHz) of silence. */
export function mp3(frames = 40): Uint8Array {
  const frame = bytes([0xff, 0xfb, 0x90, 0x64], new Uint8Array(413));
  return bytes('ID3', [4, 0, 0, 0, 0, 0, 0], ...Array.from({ length: frames }, () => frame));
}

/** An M4A's file-type box (brand `M4A `), an (empty) movie box and a media data box. */
export const m4a = (): Uint8Array =>
  bytes(u32(24), 'ftyp', 'M4A ', [0, 0, 0, 0], 'isom', 'mp42', u32(8), 'moov', u32(16), 'mdat', new Uint8Array(8));

export const svg = (): Uint8Array => bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
export const html = (): Uint8Array => bytes('<!doctype html><html><script>alert(document.cookie)</script></html>');
