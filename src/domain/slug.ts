/**
 * Slugs are readable in the address bar in any script: Hangul stays Hangul
 * ("OpenAI와 Google Cloud" → "openai와-google-cloud"). Only lowercase letters, letters without
 * case, marks and digits, joined by single hyphens, so no slug can hold "/", ".", "%" or spaces.
 * Nothing invisible may hide in one (Unicode's default-ignorable characters: Hangul fillers,
 * zero-width and bidi controls, variation selectors), and no part may begin with a mark or a
 * conjoining Hangul vowel or final consonant, which would draw onto the character before it: a
 * slug looks like exactly one string.
 */
const PART_START = '(?![\\p{M}\\u1160-\\u11FF\\uD7B0-\\uD7FF])[\\p{Ll}\\p{Lo}\\p{Lm}\\p{Nd}]';
const PART_REST = '[\\p{Ll}\\p{Lo}\\p{Lm}\\p{M}\\p{Nd}]*';
export const SLUG_PATTERN = new RegExp(
  `^(?![^]*\\p{Default_Ignorable_Code_Point})${PART_START}${PART_REST}(?:-${PART_START}${PART_REST})*$`,
  'u',
);
export const SLUG_MAX_LENGTH = 100;
const NOT_SLUG_CHARS = /[^\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}]+/gu;
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
const LEADING_JOINERS = /(^|-)[\p{M}\u1160-\u11FF\uD7B0-\uD7FF]+/gu;
const GENERATED_MAX = 80;

/**
 * Folds Unicode compatibility forms to their plain spelling (NFKC: fullwidth "ｆｉｌｅ", the ligature
 * "ﬁ", mathematical "𝐟", "①"), which look like another slug or tag. Hangul compatibility jamo
 * ("ㅋㅋ") are how Korean is typed and are kept: NFKC would turn them into conjoining jamo.
 */
export function foldCompatibility(text: string): string {
  return text.replace(/[^\u3131-\u318E]+/gu, (run) => run.normalize('NFKC'));
}

/** Derives a slug from a title. It is computed once, at creation, and never follows later title edits. */
export function slugify(title: string): string {
  const base = foldCompatibility(title.normalize('NFC'))
    .replace(INVISIBLE, '')
    .toLowerCase()
    .replace(NOT_SLUG_CHARS, '-')
    .replace(LEADING_JOINERS, '$1')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (base === '') return 'issue';
  const chars = [...base];
  if (chars.length <= GENERATED_MAX) return base;
  // Cut at the last hyphen inside the limit so a word is not split in two.
  const cut = chars.slice(0, GENERATED_MAX).join('');
  const lastHyphen = cut.lastIndexOf('-');
  return lastHyphen > 0 ? cut.slice(0, lastHyphen) : cut;
}

/** Slugs no issue may have: `/embed/latest` and `/embed/list` are widgets, not issues. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set(['latest', 'list']);

/** The first of `base`, `base-2`, `base-3`, ... that `taken` does not hold and is not reserved. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  const free = (slug: string) => !taken.has(slug) && !RESERVED_SLUGS.has(slug);
  if (free(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (free(candidate)) return candidate;
  }
}

/** A path segment decoded to a slug, or null when it cannot be one (bad escapes, "/", ".."). */
export function slugFromPath(segment: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment).normalize('NFC');
  } catch {
    return null;
  }
  return decoded.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(decoded) ? decoded : null;
}

/** Tags are normalized to one spelling: trimmed, NFC, lowercase, inner spaces as hyphens. */
/**
 * A tag as the editor wrote it, tidied but not folded: composed, compatibility forms folded, trimmed,
 * spaces as hyphens. "AI" stays "AI"; its key (normalizeTag) is "ai".
 */
export function displayTag(tag: string): string {
  return foldCompatibility(tag.normalize('NFC'))
    .trim()
    .replace(/[\p{Zs}\t\n\r]+/gu, '-');
}

/** A tag's key: what URLs, filters and counts use, so "AI" and "ai" are one tag. */
export function normalizeTag(tag: string): string {
  // Spaces (\p{Zs}: also U+3000 and no-break spaces) become hyphens; zero-width characters, which
  // JavaScript's \s also counts as space (U+FEFF), are left for the pattern to refuse.
  return foldCompatibility(tag.normalize('NFC'))
    .trim()
    .toLowerCase()
    .replace(/[\p{Zs}\t\n\r]+/gu, '-');
}
