/**
 * Bounds that keep rendering a body roughly linear in its size (see `npm run bench:sanitize`).
 * A body past one is refused, never trimmed: the author learns which limit and fixes the source.
 */
export const MARKUP_LIMITS = {
  /** Attributes on one HTML element: js-xss took 87 s for 33,000 on one tag; nobody needs 65. */
  attributesPerElement: 64,
  /** Characters in a tag or attribute name. */
  nameLength: 128,
  /** HTML elements open inside one another; browsers themselves stop nesting at 512. */
  htmlDepth: 256,
  /** markdown-it's nesting levels, which it would silently cut at 100: a block quote is one, a list two (list and item). */
  markdownDepth: 64,
  /** Table cells in one body, those markdown-it fills in included: a dense 200,000-character table has 66,000. */
  tableCells: 100_000,
  /**
   * Characters of rendered HTML, counted before escaping: a link reference repeats its URL at each
   * use. Ten times the longest body: a body that is one dense table renders to about six times its size.
   */
  renderedLength: 2_000_000,
} as const;

export type MarkupLimit = keyof typeof MARKUP_LIMITS;

/** A body past one of MARKUP_LIMITS. The renderer knows no HTTP: services answer it with a 400. */
export class MarkupLimitError extends Error {
  override readonly name = 'MarkupLimitError';

  constructor(
    readonly limit: MarkupLimit,
    message: string,
  ) {
    super(message);
  }
}
