import { beforeAll, describe, expect, it } from 'vitest';
import { detectMedia } from '../../src/domain/media';
import { call, databaseContents, mintToken } from '../helpers';
import { bytes, m4a, mp3, png, u32, webp } from '../support/media-files';

/**
 * A file's kind comes from its structure, not its first bytes (issue 25, part 5): audio must be
 * MPEG frames or an MP4 box tree from start to end, an image must declare a plausible size and
 * carry the data for it; anything else smuggled behind a few magic bytes is refused.
 */
let token: string;
beforeAll(async () => {
  token = await mintToken('contributor');
});

const join = bytes;
const page = '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>';
const zip = join([0x50, 0x4b, 0x03, 0x04], new Uint8Array(26), 'payload.html', page, [0x50, 0x4b, 0x05, 0x06], new Uint8Array(18));
const frame = join([0xff, 0xfb, 0x90, 0x64], new Uint8Array(413));

/** A PNG of this IHDR tail (depth, colour type, methods) declaring `width` × `height` over `data` bytes of IDAT. */
function declaredPngOf(width: number, height: number, ihdr: number[], data: number): Uint8Array {
  const chunk = (type: string, body: Uint8Array) => join(u32(body.length), type, body, [0, 0, 0, 0]);
  return join(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chunk('IHDR', join(u32(width), u32(height), ihdr)),
    chunk('IDAT', new Uint8Array(data)),
    chunk('IEND', new Uint8Array()),
  );
}

/** A PNG whose header declares `width` × `height` over `data` bytes of (not necessarily valid) IDAT. */
function declaredPng(width: number, height: number, data = 4): Uint8Array {
  const chunk = (type: string, body: Uint8Array) => join(u32(body.length), type, body, [0, 0, 0, 0]);
  return join(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chunk('IHDR', join(u32(width), u32(height), [8, 2, 0, 0, 0])),
    chunk('IDAT', new Uint8Array(data)),
    chunk('IEND', new Uint8Array()),
  );
}

const upload = (body: BodyInit, type = 'application/octet-stream') =>
  call('/api/v1/admin/media', { method: 'POST', body, headers: { Authorization: `Bearer ${token}`, 'Content-Type': type } });

describe('uploads judged by their structure', () => {
  it.each([
    ['an ID3 tag followed by HTML', () => join('ID3', [4, 0, 0, 0, 0, 0, 0], page)],
    ['an ID3 tag whose size covers HTML, then nothing', () => join('ID3', [4, 0, 0, 0, 0, 0, page.length], page)],
    ['an MPEG frame header followed by HTML', () => join([0xff, 0xfb, 0x90, 0x64], page)],
    ['MPEG frames followed by HTML', () => join(frame, frame, page)],
    ['MPEG frames followed by a ZIP', () => join(frame, zip)],
    ['an ftyp M4A box followed by a ZIP', () => join(u32(24), 'ftyp', 'M4A ', [0, 0, 0, 0], 'isom', 'mp42', zip)],
    [
      'an ftyp M4A box and a mdat, but no moov',
      () => join(u32(24), 'ftyp', 'M4A ', [0, 0, 0, 0], 'isom', 'mp42', u32(16), 'mdat', new Uint8Array(8)),
    ],
    ['an M4A whose last box claims more than the file', () => join(m4a(), u32(4096), 'free', page)],
    ['an AVIF brand over a ZIP', () => join(u32(20), 'ftyp', 'avif', [0, 0, 0, 0], 'mif1', zip)],
    ['a 69-byte PNG declaring 2147483647 × 2147483647', () => declaredPng(2_147_483_647, 2_147_483_647)],
    ['a PNG declaring 100000 × 100000', () => declaredPng(100_000, 100_000)],
    ['a PNG wider than 16,384 px', () => declaredPng(16_385, 1, 4000)],
    ['a PNG of 64 megapixels', () => declaredPng(8000, 8000, 400_000)],
    ['a PNG declaring 4000 × 4000 over 4 bytes of data', () => declaredPng(4000, 4000)],
    ['a PNG with no image data at all', () => declaredPng(2, 2, 0)],
    ['an ID3 tag whose size covers a page, then one frame', () => join('ID3', [3, 0, 0, 0, 0, 0, page.length], page, frame)],
    ['an M4A with a box of an unknown type holding a ZIP', () => join(m4a(), [0, 0, 0, 0], 'zzzz', zip)],
    ['a PNG of an invalid colour type declaring 16384 × 3051', () => declaredPngOf(16_384, 3051, [8, 1, 0, 0, 0], 3)],
    ['a PNG of bit depth 0', () => declaredPngOf(16_384, 3051, [0, 0, 0, 0, 0], 3)],
    [
      'a PNG followed by a page and a second IEND',
      () => join(declaredPngOf(1, 1, [8, 2, 0, 0, 0], 12), page, u32(0), 'IEND', [0, 0, 0, 0]),
    ],
    [
      'a GIF declaring 16384 × 3051 with no image, a comma in its bytes',
      () => join('GIF89a', [0, 64, 0xeb, 0x0b, 0, 0, 0], ',,,,', [0x3b]),
    ],
    ['a JPEG whose only scan marker is inside a comment', () => join([0xff, 0xd8, 0xff, 0xfe, 0, 6, 0xff, 0xda, 0, 0, 0xff, 0xd9])],
    [
      'a WebP whose VP8L chunk is two bytes',
      () =>
        join(
          'RIFF',
          [32, 0, 0, 0],
          'WEBP',
          'VP8X',
          [10, 0, 0, 0],
          new Uint8Array(4),
          [0xff, 0x3f, 0, 0xea, 0x0b, 0],
          'VP8L',
          [2, 0, 0, 0],
          [0x2f, 0],
        ),
    ],
    [
      'a WebP with its canvas size and no image data',
      () => join('RIFF', [22, 0, 0, 0], 'WEBP', 'VP8X', [10, 0, 0, 0], new Uint8Array(4), [19, 0, 0, 9, 0, 0]),
    ],
  ])('refuses %s, and stores nothing', async (_case, make) => {
    const before = await databaseContents();
    const response = await upload(make());
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/refused|not|no /);
    expect(await databaseContents()).toBe(before);
  });

  it('takes real files of each kind: frames with trailing ID3v1, an M4A box tree, a large plausible PNG', async () => {
    const id3v1 = join('TAG', new Uint8Array(125));
    expect(detectMedia(join(mp3(20), id3v1))).toMatchObject({ ok: true, ext: 'mp3' });
    expect(detectMedia(join(frame, frame))).toMatchObject({ ok: true, ext: 'mp3' });
    expect(detectMedia(m4a())).toMatchObject({ ok: true, ext: 'm4a' });
    expect(detectMedia(await png(2000, 1500))).toMatchObject({ ok: true, width: 2000, height: 1500 });
    expect(detectMedia(webp(16_384, 3000))).toMatchObject({ ok: true, width: 16_384, height: 3000 });
    expect((await upload(await png(1200, 900))).status).toBe(201);
    // What real files carry: a cut last frame, zero padding, Lyrics3 and extended ID3v1 tags, two ID3v2 tags.
    const tagged = (...tail: Uint8Array[]) => join(mp3(20), ...tail);
    expect(detectMedia(tagged().subarray(0, tagged().length - 10))).toMatchObject({ ok: true, ext: 'mp3' });
    expect(detectMedia(tagged(new Uint8Array(64)))).toMatchObject({ ok: true, ext: 'mp3' });
    expect(detectMedia(join('ID3', [3, 0, 0, 0, 0, 0, 0], 'ID3', [4, 0, 0, 0, 0, 0, 0], new Uint8Array(64), frame, frame))).toMatchObject({
      ok: true,
    });
    expect(detectMedia(tagged(join('LYRICSBEGIN', 'IND0000200', '000021', 'LYRICS200'), join('TAG', new Uint8Array(125))))).toMatchObject({
      ok: true,
    });
    expect(detectMedia(tagged(join('TAG+', new Uint8Array(223)), join('TAG', new Uint8Array(125))))).toMatchObject({ ok: true });
    expect(detectMedia(join(m4a(), new Uint8Array(16)))).toMatchObject({ ok: true, ext: 'm4a' });
  });

  it('refuses two file parts in one form, naming the field, and stores nothing', async () => {
    const before = await databaseContents();
    const form = new FormData();
    form.append('file', new File([await png(3, 3)], 'a.png'));
    form.append('file', new File([await png(4, 4)], 'b.png'));
    const encoded = new Request('http://x/', { method: 'POST', body: form });
    const body = new Uint8Array(await encoded.arrayBuffer());
    const response = await call('/api/v1/admin/media', {
      method: 'POST',
      body,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': encoded.headers.get('Content-Type')!,
        'Content-Length': String(body.length),
      },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['/file']);
    expect(await databaseContents()).toBe(before);
  });
});
