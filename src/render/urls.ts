import type { Site } from '../domain/site';

/** The reader page of an issue. */
export function issueUrl(site: Site, slug: string): string {
  return `${site.url}/issues/${encodeURIComponent(slug)}`;
}

/** The archive page of a tag. */
export function tagUrl(site: Site, tag: string): string {
  return `${site.url}/tags/${encodeURIComponent(tag)}`;
}

/** The archive a list belongs to: the home page, or the tag's page. */
export function archiveUrl(site: Site, tag: string | undefined): string {
  return tag === undefined ? `${site.url}/` : tagUrl(site, tag);
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
