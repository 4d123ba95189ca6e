// Header values built from stored or configured data go through here: a value that cannot hold a
// control character (which makes the runtime refuse the whole response) and whose URI references
// cannot break out of their angle brackets into a second link or parameter (RFC 8288 §3).

/** Characters a URI reference in a header must not show as they are: controls, space, non-ASCII, and < > " , ; */
const NOT_IN_HEADER_URI = /[^\x21-\x7e]|[<>",;\\^`{|}]/gu;

function percentEncode(character: string): string {
  try {
    return encodeURIComponent(character);
  } catch {
    // A lone surrogate has no UTF-8 form: the replacement character's.
    return '%EF%BF%BD';
  }
}

/**
 * A URI reference safe to write in a header (`Location`, or inside `<…>` of `Link`): as the URL
 * parser writes it when it is one, with every character a header or a link list could misread
 * percent-encoded.
 */
export function headerUri(value: string): string {
  const href = URL.canParse(value) ? new URL(value).href : value;
  return href.replace(NOT_IN_HEADER_URI, percentEncode);
}

/** A `Link` header (RFC 8288) of these targets and relation types. */
export function linkHeader(links: readonly { href: string; rel: string }[]): string {
  return links.map(({ href, rel }) => `<${headerUri(href)}>; rel="${rel.replace(/[^a-z0-9.:/ -]/gi, '')}"`).join(', ');
}

/** A `filename` parameter (RFC 6266) of plain ASCII letters, digits, dots, hyphens and underscores. */
export function attachmentFilename(name: string): string {
  return `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}
