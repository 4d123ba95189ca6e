import { type MediaExtension, parseMediaName } from '../domain/media';
import type { Site } from '../domain/site';
import { normalizeTag } from '../domain/slug';
import { isUnder } from './sanitize';

/** The reader page of an issue. */
export function issueUrl(site: Site, slug: string): string {
  return `${site.url}/issues/${encodeURIComponent(slug)}`;
}

/** The archive page of a tag. */
export function tagUrl(site: Site, tag: string): string {
  // By its key: "AI" and "ai" are one tag at one address.
  return `${site.url}/tags/${encodeURIComponent(normalizeTag(tag))}`;
}

/** The archive a list belongs to: the home page, or the tag's page. */
export function archiveUrl(site: Site, tag: string | undefined): string {
  return tag === undefined ? `${site.url}/` : tagUrl(site, tag);
}

/**
 * The name of one of our uploads at `url` (its SHA-256 and extension): undefined for an address
 * outside this site's `/media/`, null for one inside it that names no file.
 */
export function uploadNameAt(site: Site, url: string): { sha256: string; ext: MediaExtension } | null | undefined {
  const prefix = `${site.url}/media/`;
  if (!isUnder(url, prefix)) return undefined;
  return parseMediaName(new URL(url).pathname.slice(new URL(prefix).pathname.length));
}

/** The widths a srcset offers (CSS pixels at 1x and 2x of the page column, and phones), below the image's own. */
const SRCSET_WIDTHS = [480, 960, 1440];

/**
 * A `srcset` for one of our uploaded images (`src`, as written or absolute) of `width` pixels:
 * smaller widths through Cloudflare Images transformations (`/cdn-cgi/image/…` on the site's zone),
 * then the original at its own width. Null where the setting is off, for an image elsewhere, or
 * for one no wider than the smallest width.
 */
export function imageSrcset(site: Site, src: string, width: number): string | null {
  if (!site.imageTransforms || !URL.canParse(src, `${site.url}/`)) return null;
  const url = new URL(src, `${site.url}/`);
  if (uploadNameAt(site, url.href) === undefined || url.search !== '') return null;
  const widths = SRCSET_WIDTHS.filter((w) => w < width);
  if (widths.length === 0) return null;
  // The source is the path from the zone's root, which /cdn-cgi/image/ reads relative to itself.
  const source = url.pathname.slice(1);
  return [
    ...widths.map((w) => `${url.origin}/cdn-cgi/image/width=${w},fit=scale-down,format=auto/${source} ${w}w`),
    `${url.href} ${width}w`,
  ].join(', ');
}

/** The query parameter that marks a click-through from a partner's widget (pages ignore it for caching). */
export const REFERRAL_PARAMETER = 'ref';

/**
 * An issue page URL as a widget links to it: with the partner's key as the referral marker, when
 * there is one. `readable` keeps a slug's letters as they are (an IRI, which browsers encode when
 * they follow it): a Korean slug is a third of its percent-encoded length, which keeps the list
 * widget small; only what is not a letter, mark, digit or hyphen is encoded.
 */
export function referredIssueUrl(site: Site, slug: string, partnerKey: string | null, readable = false): string {
  const url = readable ? `${site.url}/issues/${slug.replace(/[^\p{L}\p{M}\p{N}-]/gu, (c) => encodeURIComponent(c))}` : issueUrl(site, slug);
  return partnerKey === null ? url : `${url}?${REFERRAL_PARAMETER}=${encodeURIComponent(partnerKey)}`;
}
