import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from '../../src/domain/front-matter';

describe('parseFrontMatter', () => {
  it('returns the YAML fields and the Markdown after the fence as body', () => {
    expect(parseFrontMatter('---\ntitle: 제목\ntags: [a, b]\n---\n\n# 본문\n')).toEqual({
      ok: true,
      fields: { title: '제목', tags: ['a', 'b'], body: '# 본문\n' },
    });
  });

  it('accepts CRLF line ends and the "..." end marker', () => {
    expect(parseFrontMatter('---\r\ntitle: a\r\n...\r\nbody')).toEqual({ ok: true, fields: { title: 'a', body: 'body' } });
  });

  it('keeps dates as strings (YAML 1.2 core schema)', () => {
    const result = parseFrontMatter('---\ntitle: a\nwhen: 2026-01-01\n---\n');
    expect(result.ok && result.fields.when).toBe('2026-01-01');
  });

  it.each([
    ['no fence', '# body'],
    ['unclosed flow', '---\ntitle: [a\n---\n'],
    ['duplicate keys', '---\ntitle: a\ntitle: b\n---\n'],
    ['a scalar', '---\njust text\n---\n'],
    [
      'alias bombs',
      '---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n---\n',
    ],
  ])('refuses %s with one /front_matter error', (_name, source) => {
    const result = parseFrontMatter(source);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toHaveLength(1);
  });
});
