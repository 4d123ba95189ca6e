/**
 * Content negotiation by `Accept` (RFC 9110 §12.5.1): of the media types `offered` (most preferred
 * first), the one the request accepts with the highest quality; ties go to the earlier offer. A
 * missing or empty header accepts anything: the first offer. Null when none is acceptable.
 */
export function negotiate(accept: string | null, offered: readonly string[]): string | null {
  if (accept === null || accept.trim() === '') return offered[0] ?? null;
  const ranges = accept.split(',').flatMap((part) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!/^[a-z0-9!#$&^_.+*-]+\/[a-z0-9!#$&^_.+*-]+$/.test(range)) return [];
    const q = params.find((p) => p.startsWith('q='));
    // A qvalue is 0 to 1 with up to three decimals (RFC 9110 §12.4.2); anything else drops the range.
    if (q !== undefined && !/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(q.slice(2))) return [];
    return [{ range, quality: q === undefined ? 1 : Number(q.slice(2)) }];
  });
  let best: { type: string; quality: number } | null = null;
  for (const type of offered) {
    const [main] = type.split('/');
    // The most specific range that matches decides the type's quality.
    const match =
      ranges.find((r) => r.range === type) ?? ranges.find((r) => r.range === `${main}/*`) ?? ranges.find((r) => r.range === '*/*');
    if (match === undefined || match.quality === 0) continue;
    if (best === null || match.quality > best.quality) best = { type, quality: match.quality };
  }
  return best?.type ?? null;
}
