/**
 * Which URLs a body may link to, cite or show as an image. Judged on the value as the browser has
 * decoded it from the markup (character references already resolved), never on the raw source.
 */
const LINK_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);
const IMAGE_SCHEMES = new Set(['http', 'https']);
/** Raster images only: an SVG `data:` image can carry script. */
const RASTER_DATA_URL = /^data:image\/(?:png|gif|jpe?g|webp|avif);base64,[a-z0-9+/=\s]*$/i;

export type UrlAttribute = 'href' | 'src' | 'cite';

/** Whether a decoded URL attribute value is safe for the attribute it sits in. */
export function isSafeUrl(attribute: UrlAttribute, value: string): boolean {
  // The WHATWG URL parser removes ASCII tab and newline anywhere ("java\tscript:"), and C0 controls
  // and spaces at either end, before it reads the scheme.
  const url = value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
  const end = url.search(/[:/?#]/);
  // No colon before the first "/", "?" or "#": a relative URL on this site. Stricter than the URL
  // parser ("1a:b" is relative to it), so that no lax reader can find a scheme in what we pass.
  if (end === -1 || url[end] !== ':') return true;
  const scheme = url.slice(0, end).toLowerCase();
  if (attribute !== 'src') return LINK_SCHEMES.has(scheme);
  return IMAGE_SCHEMES.has(scheme) || RASTER_DATA_URL.test(url);
}
