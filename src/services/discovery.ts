import type { RequestContext } from '../config';
import { notFound } from '../http/problem';
import { renderSitemap, renderSitemapIndex, SITEMAP_MAX_URLS, type SitemapEntry, sitemapPageUrl, tagEntries } from '../render/discovery';
import { archiveUrl, issueUrl } from '../render/urls';
import { lastChange } from '../storage/issues';
import { publishedCount } from '../storage/published-counts';
import { sitemapIssues, sitemapIssuesLastModified, tagsLastModified } from '../storage/sitemap';

/**
 * The site's URLs in one sequence: the home page, each tag's page, then every published issue in
 * publish order. `/sitemap.xml` is all of it while it fits one sitemap; past that it is an index
 * of child sitemaps (`/sitemap-{n}.xml`), child n holding the n-th run of `max` URLs.
 */
async function fixedEntries(context: RequestContext): Promise<SitemapEntry[]> {
  const [home, tags] = await Promise.all([lastChange(context.db), tagsLastModified(context.db)]);
  return [{ loc: archiveUrl(context.site, undefined), lastmod: home }, ...tagEntries(context.site, tags)];
}

/** The sequence's fixed head (home and tag pages), how many issues follow it, and the whole count. */
async function siteUrls(context: RequestContext): Promise<{ fixed: SitemapEntry[]; issues: number; total: number }> {
  const [fixed, issues] = await Promise.all([fixedEntries(context), publishedCount(context.db)]);
  return { fixed, issues, total: fixed.length + issues };
}

async function issueEntries(context: RequestContext, offset: number, limit: number): Promise<SitemapEntry[]> {
  const rows = await sitemapIssues(context.db, offset, limit);
  // An issue first published elsewhere (its canonical_url) is that page's copy: not listed.
  return rows.flatMap((row) => {
    const loc = issueUrl(context.site, row.slug);
    return row.canonical_url === null || row.canonical_url === loc ? [{ loc, lastmod: row.updated_at }] : [];
  });
}

/** `/sitemap.xml`: the sitemap itself, or the index of its children once past `max` URLs. */
export async function sitemapDocument(context: RequestContext, max = SITEMAP_MAX_URLS): Promise<string> {
  const { fixed, issues, total } = await siteUrls(context);
  if (total <= max) return renderSitemap([...fixed, ...(await issueEntries(context, 0, issues))]);
  const children: SitemapEntry[] = [];
  for (let n = 1; (n - 1) * max < total; n++)
    children.push({ loc: sitemapPageUrl(context.site, n), lastmod: await childLastModified(context, fixed, n, max) });
  return renderSitemapIndex(children);
}

/** The newest change among child n's URLs. */
async function childLastModified(context: RequestContext, fixed: SitemapEntry[], n: number, max: number): Promise<string | null> {
  const { fixedPart, offset, limit } = childRange(fixed, n, max);
  const times = [...fixedPart.map((e) => e.lastmod), await sitemapIssuesLastModified(context.db, offset, limit)];
  return times.reduce<string | null>((max, t) => (t !== null && (max === null || t > max) ? t : max), null);
}

/** Which fixed entries and which run of issues child n holds. */
function childRange(fixed: SitemapEntry[], n: number, max: number) {
  const start = (n - 1) * max;
  const fixedPart = fixed.slice(start, start + max);
  const offset = Math.max(0, start - fixed.length);
  return { fixedPart, offset, limit: max - fixedPart.length };
}

/** `/sitemap-{n}.xml`: one child of the index; 404 past the last (or while there is no index). */
export async function sitemapChild(context: RequestContext, n: number, max = SITEMAP_MAX_URLS): Promise<string> {
  const { fixed, total } = await siteUrls(context);
  if (total <= max || (n - 1) * max >= total) throw notFound(`There is no sitemap ${n}; /sitemap.xml lists them.`);
  const { fixedPart, offset, limit } = childRange(fixed, n, max);
  return renderSitemap([...fixedPart, ...(await issueEntries(context, offset, limit))]);
}
