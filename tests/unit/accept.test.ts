import { describe, expect, it } from 'vitest';
import { negotiate, prefersMarkdown } from '../../src/http/accept';

describe('negotiate (RFC 9110 Accept)', () => {
  const offered = ['text/html', 'text/markdown'];
  it.each([
    [null, 'text/html'],
    ['', 'text/html'],
    ['*/*', 'text/html'],
    ['text/markdown', 'text/markdown'],
    ['text/markdown, text/html;q=0.9', 'text/markdown'],
    ['text/markdown;q=0.5, text/html', 'text/html'],
    ['text/*;q=0.5, text/markdown', 'text/markdown'],
    ['text/html;q=0, */*', 'text/markdown'],
    ['TEXT/MARKDOWN', 'text/markdown'],
    ['application/json', null],
    ['text/markdown;q=2', null],
    ['garbage', null],
    ['text/markdown;q=1e0', null],
    ['text/markdown;q=, text/html;q=0.5', 'text/html'],
    ['text/markdown;q=0.9999, text/html;q=0.5', 'text/html'],
  ])('Accept: %s → %s', (accept, expected) => {
    expect(negotiate(accept, offered)).toBe(expected);
  });
});

describe('prefersMarkdown (the issue page or its Markdown)', () => {
  it.each([
    ['text/markdown', true],
    ['text/markdown, text/html', true],
    ['text/markdown, text/html, */*', true],
    ['text/html, text/markdown;q=0.9', false],
    ['text/markdown;q=0.5, text/html', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['*/*', false],
    ['text/*', false],
    [null, false],
    ['text/markdown;q=0', false],
  ])('Accept: %s → %s', (accept, expected) => {
    expect(prefersMarkdown(accept)).toBe(expected);
  });
});
