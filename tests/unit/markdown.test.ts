import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown';

describe('renderMarkdown', () => {
  it('renders CommonMark with tables and keeps Korean text byte for byte', () => {
    expect(renderMarkdown('## 💡하루 25억\n\n**굵게** 그리고 `코드`')).toBe('<h2>💡하루 25억</h2>\n<p><strong>굵게</strong> 그리고 <code>코드</code></p>');
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
