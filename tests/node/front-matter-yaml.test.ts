import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Issue } from '../../src/domain/issue';
import type { Site } from '../../src/domain/site';
import { issueMarkdown } from '../../src/render/issue-markdown';

/**
 * The issue as Markdown (`/issues/{slug}.md`) carries YAML front matter that other tools read:
 * PyYAML (YAML 1.1, as Jekyll and many static-site tools read it) and a YAML 1.2 reader must both
 * read back exactly the fields written, whatever characters a contributor put in them.
 */
const site: Site = {
  name: '엔레터',
  url: 'https://news.example',
  language: 'ko',
  timeZone: 'Asia/Seoul',
  feedIdBase: 'tag:news.example,2026:',
  hub: null,
  partners: [],
  imageTransforms: false,
};

function issueWith(text: (n: number) => string): Issue {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    slug: 'yaml',
    title: text(0),
    subtitle: text(1),
    number: 7,
    canonical_url: 'https://a.example/x',
    language: 'ko',
    published_at: '2026-12-01T00:00:00.000Z',
    updated_at: '2026-12-02T00:00:00.000Z',
    authors: [{ name: text(2), url: null }],
    tags: [text(3), text(4)],
    summary: [text(5)],
    cover: { url: 'https://a.example/c.png', alt: text(6) },
    attachments: [],
    teasers: [{ title: text(7), excerpt: text(8), url: 'https://a.example/t' }],
    body: 'body\n',
  } as unknown as Issue;
}

const frontMatterOf = (markdown: string) => /^---\n([\s\S]*?)\n---\n/.exec(markdown)![1]!;

/** Each document read by PyYAML's safe_load (YAML 1.1), all in one Python process. */
function pyYaml(documents: string[]): unknown[] {
  const script = 'import json,sys,yaml\nprint(json.dumps([yaml.safe_load(d) for d in json.load(sys.stdin)]))';
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(documents), maxBuffer: 64 << 20 }).toString());
}

/** What the front matter must say: the fields the writer was given. */
function expected(issue: Issue): Record<string, unknown> {
  return {
    title: issue.title,
    subtitle: issue.subtitle,
    number: 7,
    url: 'https://news.example/issues/yaml',
    canonical_url: issue.canonical_url,
    language: 'ko',
    published_at: issue.published_at,
    updated_at: issue.updated_at,
    authors: issue.authors.map((a) => ({ name: a.name })),
    tags: issue.tags,
    summary: issue.summary,
    cover: issue.cover,
    teasers: issue.teasers,
  };
}

describe('the issue’s front matter', () => {
  it('reads the same in YAML 1.1 and 1.2 for a contributor’s line separators (the reviewed payload)', () => {
    const forged = 'first line\nsecond\u2028title: Forged title\u2029canonical_url: https://evil.example/';
    const issue = issueWith((n) => (n === 8 ? forged : `field ${n}`));
    const document = frontMatterOf(issueMarkdown(site, issue));
    const [python] = pyYaml([document]) as Record<string, unknown>[];
    expect(python).toEqual(expected(issue));
    expect(parse(document)).toEqual(expected(issue));
  });

  it.each([
    ['YAML 1.1 booleans and nulls', ['yes', 'No', 'on', 'OFF', 'y', '~', 'null', 'NULL']],
    ['numbers and dates', ['1.0', '0x1F', '1_000', '012', '2026-12-01', '12:30:00', '.inf', '.NaN']],
    [
      'YAML syntax',
      ['- a', ': b', '? c', '# d', '&a', '*a', '!!str x', "'q'", '"dq"', '{a: 1}', '[1]', '|', '>', '%YAML 1.1', '---', '...'],
    ],
    ['line breaks of every kind', ['a\nb', 'a\r\nb', 'a\rb', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u000bb', 'a\u000cb']],
    [
      'controls and invisible characters',
      ['\u0000', '\u0007\u001b', '\u007f', '\u0080\u009f', '\ufeffbom', '\ufffe\uffff', 'tab\there', '\\back\\'],
    ],
    ['surrogates and astral characters', ['😀', '\ud800', 'x\udfffy', '𝕏', '\u{10ffff}']],
    ['spaces at the edges', [' lead', 'trail ', '  ', '', '\t']],
  ])('reads the same in PyYAML and a YAML 1.2 reader for %s', (_case, values) => {
    const issues = values.map((value) => issueWith((n) => (n % 2 === 0 ? value : `${value} and more`)));
    const documents = issues.map((issue) => frontMatterOf(issueMarkdown(site, issue)));
    const python = pyYaml(documents);
    issues.forEach((issue, i) => {
      expect(python[i]).toEqual(expected(issue));
      expect(parse(documents[i]!)).toEqual(expected(issue));
    });
  });

  it('reads the same in PyYAML and a YAML 1.2 reader for random field values (property)', () => {
    const special = fc.constantFrom(
      '\u2028',
      '\u2029',
      '\u0085',
      '\n',
      '\r',
      ':',
      ': ',
      '#',
      '"',
      "'",
      '\\',
      '- ',
      ' ',
      '\u0000',
      '\t',
      '\u007f',
      '\ufeff',
      '\ud800',
    );
    const text = fc.array(fc.oneof(special, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join(''));
    const samples = fc.sample(fc.array(text, { minLength: 9, maxLength: 9 }), { numRuns: 400, seed: 20261208 });
    const issues = samples.map((texts) => issueWith((n) => texts[n]!));
    const documents = issues.map((issue) => frontMatterOf(issueMarkdown(site, issue)));
    const python = pyYaml(documents);
    issues.forEach((issue, i) => {
      expect(python[i], documents[i]).toEqual(expected(issue));
      expect(parse(documents[i]!), documents[i]).toEqual(expected(issue));
    });
  });
});
