import { describe, expect, it } from 'vitest';
import { negotiate } from '../../src/http/accept';

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
