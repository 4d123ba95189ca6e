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
