/** One media range of an `Accept` header with its quality (RFC 9110 §12.5.1). */
interface MediaRange {
  range: string;
  quality: number;
}

/** The media ranges of an `Accept` header; a malformed range or qvalue is dropped. */
function mediaRanges(accept: string): MediaRange[] {
  return accept.split(',').flatMap((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!/^[a-z0-9!#$&^_.+*-]+\/[a-z0-9!#$&^_.+*-]+$/.test(range)) return [];
    const q = params.find((p) => p.startsWith('q='));
    // A qvalue is 0 to 1 with up to three decimals (RFC 9110 §12.4.2); anything else drops the range.
    if (q !== undefined && !/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(q.slice(2))) return [];
    return [{ range, quality: q === undefined ? 1 : Number(q.slice(2)) }];
  });
}

/**
 * How much a request accepts `type`: the quality of the most specific range that matches it
 * (`type` itself, then `main/*`, then `*\/*`); 0 when none does. `explicit` counts only a range
 * naming `type` itself. A missing or empty header accepts anything (1).
 */
export function acceptQuality(accept: string | null, type: string, explicit = false): number {
  if (accept === null || accept.trim() === '') return explicit ? 0 : 1;
  const ranges = mediaRanges(accept);
  const [main] = type.split('/');
  const match = explicit
    ? ranges.find((r) => r.range === type)
    : (ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === `${main}/*`) ?? ranges.find((r) => r.range === '*/*'));
  return match?.quality ?? 0;
}

/**
 * Content negotiation by `Accept`: of the media types `offered` (most preferred first), the one
 * the request accepts with the highest quality; ties go to the earlier offer. A missing or empty
 * header accepts anything: the first offer. Null when none is acceptable.
 */
export function negotiate(accept: string | null, offered: readonly string[]): string | null {
  let best: { type: string; quality: number } | null = null;
  for (const type of offered) {
    const quality = acceptQuality(accept, type);
    if (quality > 0 && (best === null || quality > best.quality)) best = { type, quality };
  }
  return best?.type ?? null;
}

/**
 * Whether a request for a page asks for its Markdown instead: it names `text/markdown` itself, at
 * least as high as it accepts `text/html` (a client that lists both alike wants the Markdown, or
 * it would not list it; a browser, or `*\/*`, gets the page).
 */
export function prefersMarkdown(accept: string | null): boolean {
  const markdown = acceptQuality(accept, 'text/markdown', true);
  return markdown > 0 && markdown >= acceptQuality(accept, 'text/html');
}
