import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, editorClient, mintToken, ORIGIN } from '../helpers';
import { parseStrictXml } from '../support/strict-xml';

/**
 * A property: whatever titles, summaries, tags, author names and bodies the API accepts, every XML
 * output (RSS and Atom, site-wide and per tag, oEmbed XML) parses with a strict XML 1.0 parser,
 * holds no element that the text smuggled in, and carries the title exactly.
 */

let editor: ReturnType<typeof editorClient>;
beforeAll(async () => {
  editor = editorClient(await mintToken('editor'));
});

/** Pieces that have broken XML writers: CDATA ends and starts, markup, entities, odd characters. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(']]>', '<![CDATA[', '&amp;') },
  fc.constantFrom(
    ']]>',
    ']]',
    ']',
    '>',
    '<![CDATA[',
    '<evil>x</evil>',
    '</title>',
    '&',
    '&amp;',
    '&lt;',
    '&#0;',
    '&#xFFFF;',
    '"',
    "'",
    '<!--',
    '-->',
    '<?xml?>',
    '\u0085',
    '\u2028',
    '\uFEFF',
    '\u202E',
    '\u{1F600}',
    '가',
    '\u1100\u1161',
    'e\u0301',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
);
const text = (maxPieces: number) => fc.array(piece, { minLength: 1, maxLength: maxPieces }).map((parts) => parts.join(''));
const tag = fc.stringMatching(/^[a-z가-힣]{1,8}$/);

describe('every XML output parses, whatever accepted text it carries', () => {
  it('RSS, Atom (site-wide and per tag) and oEmbed XML', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        text(6),
        fc.array(text(4), { maxLength: 3 }),
        text(3),
        text(10),
        tag,
        async (title, summary, author, body, tagName) => {
          const unique = `${tagName}${crypto.randomUUID().slice(0, 6)}`;
          const created = await editor('/api/v1/admin/issues', {
            method: 'POST',
            json: { title: `${title} ${unique}`, summary, authors: [{ name: author }], body, tags: [unique] },
          });
          if (created.status === 400) return; // refused at the door: nothing to render
          expect(created.status).toBe(201);
          const { id } = (await created.json()) as { id: string };
          const published = await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
          expect(published.status).toBe(200);
          const issue = (await published.json()) as { slug: string; title: string; authors: { name: string }[] };
          accepted++;
          const oembed = `/oembed?format=xml&url=${encodeURIComponent(`${ORIGIN}/issues/${encodeURIComponent(issue.slug)}`)}`;
          for (const path of [
            '/feed.xml',
            '/atom.xml',
            `/tags/${encodeURIComponent(unique)}/feed.xml`,
            `/tags/${encodeURIComponent(unique)}/atom.xml`,
            oembed,
          ]) {
            const response = await call(path);
            expect(response.status, path).toBe(200);
            const parsed = parseStrictXml(await response.text());
            expect(parsed.elements, path).not.toContain('evil');
            // XML 1.0 cannot carry some characters the API stores (C0 controls are refused at the
            // door; U+FFFE/U+FFFF are non-characters): what it can carry comes back exactly.
            expect(parsed.textOf('title'), path).toContain(issue.title);
            if (path.endsWith('feed.xml')) expect(parsed.textOf('dc:creator'), path).toContain(issue.authors[0]!.name);
            if (path.endsWith('atom.xml')) expect(parsed.textOf('name'), path).toContain(issue.authors[0]!.name);
          }
        },
      ),
      { numRuns: 40, endOnFailure: true },
    );
    // The property says something only if most generated issues were accepted.
    expect(accepted).toBeGreaterThan(20);
  }, 120_000);
});
