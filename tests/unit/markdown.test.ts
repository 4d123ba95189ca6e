import { decodeHTMLAttribute } from 'entities';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BODY_MAX_LENGTH } from '../../src/domain/issue';
import { renderMarkdown } from '../../src/render/markdown';
import { MARKUP_LIMITS, MarkupLimitError } from '../../src/render/markup-limits';
import { sanitizeHtml } from '../../src/render/sanitize';
import { isSafeUrl, type UrlAttribute } from '../../src/render/url-policy';
import { browserScheme, violations } from '../support/html-oracle';

describe('renderMarkdown', () => {
  it('renders CommonMark with tables and keeps Korean text byte for byte', () => {
    expect(renderMarkdown('## 💡하루 25억\n\n**굵게** 그리고 `코드`')).toBe(
      '<h2>💡하루 25억</h2>\n<p><strong>굵게</strong> 그리고 <code>코드</code></p>',
    );
    expect(renderMarkdown('| a |\n|---|\n| 1 |')).toContain('<td>1</td>');
  });

  it('keeps safe raw HTML', () => {
    expect(renderMarkdown('<figure><img src="https://example.com/a.png" alt="a"><figcaption>캡션</figcaption></figure>')).toBe(
      '<figure><img src="https://example.com/a.png" alt="a"><figcaption>캡션</figcaption></figure>',
    );
  });

  it.each([
    ['<script>alert(1)</script>', /script|alert/],
    ['<img src=x onerror=alert(1)>', /onerror/],
    ['<a href="javascript:alert(1)">x</a>', /javascript/],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', /javascript/i],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', /ascript/],
    ['<a href=" javascript:alert(1)">x</a>', /javascript/],
    ['[x](javascript:alert(1))', /href=/],
    ['<a href="data:text/html,<script>alert(1)</script>">x</a>', /data:/],
    ['<a href="vbscript:msgbox(1)">x</a>', /vbscript/],
    ['<iframe src="https://evil.example"></iframe>', /iframe|evil/],
    ['<svg onload=alert(1)><circle/></svg>', /svg|onload/],
    ['<div style="background:url(javascript:alert(1))">x</div>', /style|javascript/],
    ['<p onclick="alert(1)">x</p>', /onclick/],
    ['<form action="https://evil.example"><input></form>', /form|input/],
    ['<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', /onerror|<style|<math/],
    ['<object data="x.swf"></object><embed src="x.swf">', /object|embed/],
    ['<!-- <img src=x onerror=alert(1)> -->', /onerror/],
    ['<base href="https://evil.example/">', /base/],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /meta|refresh/],
  ])('removes the danger in %s', (source, danger) => {
    expect(renderMarkdown(source)).not.toMatch(danger);
  });

  it('keeps raster data: images but refuses other data: URLs', () => {
    expect(renderMarkdown('![a](data:image/png;base64,iVBORw0KGgo=)')).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(renderMarkdown('<img src="data:image/svg+xml;base64,PHN2Zz4=">')).not.toContain('data:');
  });
});

describe('URL attributes, judged as the browser decodes them', () => {
  it.each([
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="javascript&#x3a;alert(1)">x</a>',
    '<a href="javascript&#0000058alert(1)">x</a>',
    '<a href="JAVASCRIPT&#X3A;alert(1)">x</a>',
    '<a href=javascript&colon;alert(1)>x</a>',
    "<a href='javascript&#58alert(1)'>x</a>",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)">x</a>',
    '<a href="jav&Tab;ascript:alert(1)">x</a>',
    '<a href="jav&NewLine;ascript&colon;alert(1)">x</a>',
    '<a href="jav&#9ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#1;&#32;javascript:alert(1)">x</a>',
    '<a href="vbscript&colon;msgbox(1)">x</a>',
    '<a href="data&colon;text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data&colon;image/svg+xml,&lt;svg onload=alert(1)&gt;">',
    '<img src="data:image/png;base64,iVBORw0KGgo=&quot; onerror=&quot;alert(1)">',
    '<blockquote cite="javascript&colon;alert(1)">x</blockquote>',
    '[x](javascript&colon;alert(1))',
    '![x](data&colon;image/svg+xml,x)',
  ])('serves no script or data URL for %s', (source) => {
    const html = renderMarkdown(source);
    expect(violations(html)).toEqual([]);
    expect(html).not.toMatch(/&colon|&#0*58|&#x0*3a|&tab|&newline|&#0*9|&#x0*a;/i);
  });

  it('closes only elements whose start tag it wrote, when the source ends inside a start tag', () => {
    expect(sanitizeHtml('<p>x <a href="y')).toBe('<p>x </p>');
    expect(sanitizeHtml('<div><em>x</em><svg><a href="y')).toBe('<div><em>x</em></div>');
  });

  it('writes out the decoded URL it judged, escaped once', () => {
    expect(renderMarkdown('<a href="https&colon;//example.com/a?b=1&amp;c=2">x</a>')).toBe(
      '<p><a href="https://example.com/a?b=1&amp;c=2">x</a></p>',
    );
    expect(renderMarkdown('<a href="&#x2F;&#x2F;example.com/">x</a>')).toBe('<p><a href="//example.com/">x</a></p>');
    expect(renderMarkdown('<img src="data&colon;image/png;base64,iVBORw0KGgo=">')).toBe('<img src="data:image/png;base64,iVBORw0KGgo=">');
    expect(renderMarkdown('<a href="mailto&#58;a@example.com" title="a &quot;b&quot; &lt;c&gt;">x</a>')).toBe(
      '<p><a href="mailto:a@example.com" title="a &quot;b&quot; &lt;c&gt;">x</a></p>',
    );
  });
});

describe('isSafeUrl, on a decoded value', () => {
  it.each<[UrlAttribute, string, boolean]>([
    ['href', 'https://example.com/', true],
    ['href', 'mailto:a@example.com', true],
    ['href', 'tel:+82-2-000', true],
    ['href', '/issues/a:b', true],
    ['href', '?q=a:b', true],
    ['href', '#top', true],
    ['href', '//example.com/', true],
    ['href', ' \thttps://example.com/\n', true],
    ['src', 'ht\ttps://example.com/a.png', true],
    ['href', '\u0001 java\tscr\nipt:alert(1)', false],
    ['href', 'JAVASCRIPT:alert(1)', false],
    ['href', 'a:b', false],
    ['href', 'data:image/png;base64,iVBORw0KGgo=', false],
    ['cite', 'vbscript:msgbox(1)', false],
    ['src', 'data:image/png;base64,iVBORw0KGgo=', true],
    ['src', ' data:image/webp;base64,UklGRg== ', true],
    ['src', 'data:image/svg+xml;base64,PHN2Zz4=', false],
    ['src', 'data:image/png;base64,iVBORw0KGgo=" onerror="alert(1)', false],
    ['src', 'mailto:a@example.com', false],
  ])('%s=%j is safe: %s', (attribute, value, safe) => {
    expect(isSafeUrl(attribute, value)).toBe(safe);
  });
});

/** Bodies built from raw HTML and Markdown links, with dangerous schemes hidden every way a browser still reads. */
const fragments = (() => {
  const entityFor = (c: string) => {
    const code = c.charCodeAt(0);
    return fc.constantFrom(
      c,
      c.toUpperCase(),
      `&#${code};`,
      `&#${code}`,
      `&#x${code.toString(16)};`,
      `&#X${code.toString(16).toUpperCase()}`,
      `&#000${code};`,
    );
  };
  const noise = fc.constantFrom('', '', '', '\t', '\n', '\r', '&Tab;', '&NewLine;', '&#9', '&#x0A;', '&#13;', '&#x0D', ' ', '\u0001');
  const lead = fc.constantFrom('', '', ' ', '&#32;', '&#1;', '\u0001', '&#x0;', '\t');
  const colon = fc.constantFrom(':', '&colon;', '&#58;', '&#58', '&#x3a;', '&#X3A;', '&#0000058', '%3a', '&#65306;');
  const scheme = fc
    .constantFrom('javascript', 'vbscript', 'data', 'livescript', 'file', 'blob', 'http', 'https', 'mailto', 'tel', '')
    .chain((name) =>
      fc.tuple(...[...name].map((c) => fc.tuple(entityFor(c), noise).map(([a, b]) => a + b))).map((parts) => parts.join('')),
    );
  const rest = fc.constantFrom(
    'alert(1)',
    '//example.com/x',
    'text/html;base64,PHNjcmlwdD4=',
    'image/svg+xml,<svg onload=alert(1)>',
    'image/png;base64,iVBORw0KGgo=',
    '/relative',
    '#top',
    // Attempts to end the attribute (or the tag) early, once decoded.
    'x&quot; onerror=&quot;alert(1)',
    'x&#34;><img src=x onerror=alert(1)>',
    'x&#39; onclick=&#39;alert(1)',
    'x&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
  );
  const url = fc.tuple(lead, scheme, colon, rest).map((parts) => parts.join(''));
  const quoted = url.chain((u) => fc.constantFrom(`"${u}"`, `'${u}'`, u.replace(/[\s"'>]/g, '')));
  const attributeName = fc.constantFrom(
    'href',
    'HREF',
    'src',
    'cite',
    'srcset',
    'action',
    'formaction',
    'data',
    'poster',
    'background',
    'xlink:href',
    'onerror',
    'OnClick',
    'onload',
    'style',
    'class',
    'title',
    'alt',
    'width',
  );
  const attributes = fc
    .array(
      fc.tuple(attributeName, quoted).map(([n, v]) => ` ${n}=${v}`),
      { maxLength: 4 },
    )
    .map((a) => a.join(''));
  const tag = fc.constantFrom(
    'a',
    'A',
    'img',
    'IMG',
    'blockquote',
    'code',
    'td',
    'div',
    'p',
    'iframe',
    'script',
    'svg',
    'math',
    'style',
    'object',
    'embed',
    'form',
    'base',
    'link',
    'meta',
    'template',
    'noscript',
    'video',
    'Details',
  );
  const markdownLink = fc
    .tuple(fc.constantFrom('[x](', '![x](', '<', '\n\n[r]: '), url, fc.constantFrom(')', ')', '>', '\n\n[r]'))
    .map((p) => p.join(''));
  const { node } = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('text', ' & ', '\n\n', '<!-- c -->', '*em*', '`code`'),
      markdownLink,
      fc.tuple(tag, attributes, fc.array(tie('node'), { maxLength: 3 })).map(([t, a, children]) => `<${t}${a}>${children.join('')}</${t}>`),
      fc.tuple(tag, attributes).map(([t, a]) => `<${t}${a}>`),
    ),
  }));
  return fc.array(node, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
})();

describe('the sanitizer, for any body', () => {
  it('judges schemes as the WHATWG URL parser does', () => {
    expect(browserScheme('\u0001 java\tscr\nipt:x')).toBe('javascript');
    expect(browserScheme('java script:x')).toBeNull();
    expect(browserScheme('/a:b')).toBeNull();
  });

  it('serves no URL outside the allowlist, no event handler and no disallowed tag', () => {
    fc.assert(
      fc.property(fragments, (body) => {
        expect(violations(renderMarkdown(body))).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });

  it('writes HTML whose attributes and text it would write again unchanged', () => {
    // Only structure may differ the second time: "<p><blockquote>" closes the p, for this parser as for a browser.
    const attributes = (html: string) => [...html.matchAll(/ [a-z]+="[^"]*"/g)].map((m) => m[0]);
    const text = (html: string) => html.replace(/<[^>]*>/g, '');
    fc.assert(
      fc.property(fragments, (body) => {
        const html = renderMarkdown(body);
        const again = sanitizeHtml(html);
        expect(attributes(again)).toEqual(attributes(html));
        expect(text(again)).toBe(text(html));
      }),
      { numRuns: 300 },
    );
  });
});

describe('output policies (feeds and embeds sanitize the stored HTML again, for where they are read)', () => {
  const base = 'https://news.example/issues/a-b';

  it('resolves relative URLs as the browser decodes them, and keeps fragments and absolute URLs', () => {
    const html = sanitizeHtml(
      '<p><a href="&#x2F;x?a=1&amp;b=2">x</a> <a href="#top">t</a> <a href="https://o.example/">o</a> <img src="img/c.png" alt="c"></p>',
      {
        base,
      },
    );
    expect(html).toBe(
      '<p><a href="https://news.example/x?a=1&amp;b=2">x</a> <a href="#top">t</a> <a href="https://o.example/">o</a> <img src="https://news.example/issues/img/c.png" alt="c"></p>',
    );
  });

  it('judges a scheme as the browser reads it: a newline inside one does not make the URL relative', () => {
    // fast-check found it: "htt\np:…" is read as http:, so it must not be resolved as a path.
    const html = sanitizeHtml('<a href="htt&NewLine;p:x">x</a><a href=" &#9;/y">y</a>', { base });
    expect(html).toBe('<a href="htt\np:x">x</a><a href="https://news.example/y">y</a>');
  });

  it('keeps as images only those truly under the kept prefix, as a browser parses them', () => {
    const policy = { base, images: 'links' as const, keepImagesFrom: 'https://news.example/media/' };
    expect(sanitizeHtml('<img src="/media/a.png" alt="a">', policy)).toBe('<img src="https://news.example/media/a.png" alt="a">');
    for (const src of [
      '/media/../embed/x',
      'https://news.example.evil.test/media/a.png',
      'https://NEWS.example:444/media/a.png',
      '/mediax/a.png',
    ]) {
      expect(sanitizeHtml(`<img src="${src}" alt="b">`, policy), src).toMatch(/^<a href="[^"]+">🖼 b<\/a>$/);
    }
  });

  it('writes only the label of an image inside a link, or of an inline data: image', () => {
    const html = sanitizeHtml('<a href="/x"><img src="/a.png" alt="a"></a><img src="data:image/png;base64,iVBORw0KGgo=" alt="b">', {
      base,
      images: 'links',
    });
    expect(html).toBe('<a href="https://news.example/x">🖼 a</a>🖼 b');
    // fast-check found it: a newline inside "data:" is still a data: URL to the browser.
    expect(sanitizeHtml('<img src="data&NewLine;:image/png;base64,iVBORw0KGgo=">', { base, images: 'links' })).toBe('🖼 이미지');
  });

  it('writes images as links labelled by their alt text, escaped once, and drops one without a safe source', () => {
    const html = sanitizeHtml('<img src="/a.png" alt="&quot;&lt;b&gt;&quot;"><img src="javascript:alert(1)" alt="x"><img src="/b.png">', {
      base,
      images: 'links',
    });
    expect(html).toBe('<a href="https://news.example/a.png">🖼 &quot;&lt;b&gt;&quot;</a><a href="https://news.example/b.png">🖼 이미지</a>');
  });

  it('for any body: no image, no violation, and no relative URL left', () => {
    fc.assert(
      fc.property(fragments, (body) => {
        const html = sanitizeHtml(renderMarkdown(body), { base, images: 'links' });
        expect(violations(html)).toEqual([]);
        expect(html).not.toMatch(/<img/);
        // As the browser reads each value: with a scheme, a fragment, or empty (after the URL parser's trimming).
        for (const [, value] of html.matchAll(/ (?:href|src|cite)="([^"]*)"/g)) {
          const bare = decodeHTMLAttribute(value ?? '')
            .replace(/[\t\n\r]/g, '')
            .trim();
          expect(browserScheme(decodeHTMLAttribute(value ?? '')) !== null || bare === '' || bare.startsWith('#'), value).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

const nestedLists = (depth: number) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- item ${i}\n`).join('');

describe('rendering limits', () => {
  it.each([
    [
      '12,000 attributes on one element',
      `<div${' a'.repeat(12_000)}>x</div>`,
      /more than 64 attributes on one element \(a <div> has more\)/,
    ],
    [
      'a 10,000-character tag name',
      `<a${'b'.repeat(10_000)}>x</a${'b'.repeat(10_000)}>`,
      /tag or attribute name longer than 128 characters/,
    ],
    ['a 10,000-character attribute name', `<p ${'b'.repeat(10_000)}=1>x</p>`, /tag or attribute name longer than 128 characters/],
    ['10,000 elements nested in one another', `${'<div>'.repeat(10_000)}x`, /nest HTML elements more than 256 deep/],
    ['200 nested block quotes', `${'> '.repeat(200)}x`, /nest block quotes and lists more than 64 levels deep/],
    ['100 nested lists', nestedLists(100), /nest block quotes and lists more than 64 levels deep/],
    [
      'two tables of a wide header over one-cell rows',
      `|${'a|'.repeat(1_000)}\n|${'-|'.repeat(1_000)}\n${'a\n'.repeat(66)}\n`.repeat(2),
      /more than 100,000 table cells in all/,
    ],
    [
      'a long URL referenced 3,000 times',
      `[a]: /${'x'.repeat(1_000)}\n\n${'[a] '.repeat(3_000)}`,
      /expand to more than 2,000,000 characters when rendered/,
    ],
  ])('refuses %s with a MarkupLimitError that names the limit', (_, source, message) => {
    expect(() => renderMarkdown(source)).toThrow(MarkupLimitError);
    expect(() => renderMarkdown(source)).toThrow(message);
  });

  it('renders a body that stays within every limit', () => {
    const attributes = Array.from({ length: MARKUP_LIMITS.attributesPerElement - 1 }, (_, i) => ` data-${i}="${i}"`).join('');
    expect(renderMarkdown(`<a${attributes} title="t">x</a>`)).toBe('<p><a title="t">x</a></p>');
    expect(renderMarkdown(`<abbr t${'i'.repeat(MARKUP_LIMITS.nameLength - 2)}e="x">y</abbr>`)).toBe('<p><abbr>y</abbr></p>');
    const depth = MARKUP_LIMITS.htmlDepth;
    expect(renderMarkdown(`${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}`)).toBe(`${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}`);
    expect(renderMarkdown(nestedLists(MARKUP_LIMITS.markdownDepth / 2))).toContain('item 31');
    expect(renderMarkdown(`${'> '.repeat(MARKUP_LIMITS.markdownDepth)}deep`)).toContain('deep');
  });

  it.each([
    ['one dense table', `|a|b|\n|-|-|\n${'|x|y|\n'.repeat(33_000)}`],
    ['quotation marks', '"'.repeat(BODY_MAX_LENGTH)],
    ['short reference links', `[a]: https://example.com/\n\n${'[a] '.repeat(49_000)}`],
  ])('renders a body of %s as long as the longest body allowed', (_, source) => {
    expect(source.length).toBeLessThanOrEqual(BODY_MAX_LENGTH);
    expect(renderMarkdown(source).length).toBeGreaterThan(BODY_MAX_LENGTH);
  });

  it.each([
    ['a comment with a dash before its end', 'x <!-- a ---> y', '<p>x  y</p>'],
    ['an unterminated comment', 'x <!-- a\ny <!-- b', '<p>x &lt;!-- a\ny &lt;!-- b</p>'],
    ['a processing instruction', 'x <?php a ?> y', '<p>x  y</p>'],
    ['an unterminated processing instruction', 'x <? a <? b', '<p>x &lt;? a &lt;? b</p>'],
    ['a declaration', 'x <!DOCTYPE html> y', '<p>x  y</p>'],
    ['an unterminated declaration', 'x <!A a <!B b', '<p>x &lt;!A a &lt;!B b</p>'],
    ['CDATA', 'x <![CDATA[ a ]]> y', '<p>x  y</p>'],
    ['unterminated CDATA', 'x <![CDATA[ a <![CDATA[ b', '<p>x &lt;![CDATA[ a &lt;![CDATA[ b</p>'],
  ])('ends inline %s at its first terminator, as CommonMark 0.31 says', (_, source, html) => {
    expect(renderMarkdown(source)).toBe(html);
  });
});
