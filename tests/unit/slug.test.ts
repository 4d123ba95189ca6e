import { describe, expect, it } from 'vitest';
import { firstFreeSlug, normalizeTag, slugFromPath, slugify } from '../../src/domain/slug';

describe('slugify', () => {
  it.each([
    ['OpenAI와 Google Cloud의 파트너십', 'openai와-google-cloud의-파트너십'],
    ['AI 시대, 인프라는 누가 더 빠르게 확보하느냐?', 'ai-시대-인프라는-누가-더-빠르게-확보하느냐'],
    ['  Hello,   World!  ', 'hello-world'],
    ['../../etc/passwd', 'etc-passwd'],
    ['a%2Fb', 'a-2fb'],
    ['💡📎', 'issue'],
  ])('turns %j into %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('keeps generated slugs to 80 characters, cut between words', () => {
    const slug = slugify('단어 '.repeat(60));
    expect([...slug].length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
  });
});

describe('firstFreeSlug', () => {
  it('appends the first free number', () => {
    expect(firstFreeSlug('a', new Set())).toBe('a');
    expect(firstFreeSlug('a', new Set(['a', 'a-2']))).toBe('a-3');
  });
});

describe('slugFromPath', () => {
  it('decodes percent-encoded Hangul', () => {
    expect(slugFromPath(encodeURIComponent('오늘의-뉴스'))).toBe('오늘의-뉴스');
  });

  it.each(['..', 'a%2Fb', '%2e%2e', 'a.b', 'A', '%E0%A4%A', 'a--b', '-a', ''])('refuses %j', (segment) => {
    expect(slugFromPath(segment)).toBeNull();
  });
});

describe('normalizeTag', () => {
  it('lowercases and joins words with hyphens', () => {
    expect(normalizeTag('  Cloud Native ')).toBe('cloud-native');
    expect(normalizeTag('AI')).toBe('ai');
  });
});
