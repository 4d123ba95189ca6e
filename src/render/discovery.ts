import type { IssueListItem } from '../domain/issue';
import type { Site } from '../domain/site';
import { escapeHtml, summaryLine, xmlSafe } from './text';
import { archiveUrl, issueUrl, tagUrl } from './urls';

/** The most URLs one sitemap may hold (sitemaps.org protocol); past it, /sitemap.xml becomes an index. */
export const SITEMAP_MAX_URLS = 50_000;

/** One `<url>` of a sitemap: an address and when what it shows last changed. */
export interface SitemapEntry {
  loc: string;
  lastmod: string | null;
}

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

/** One entry of a sitemap (`url`) or of an index (`sitemap`): its address and, when known, its last change. */
const entryElement = (element: 'url' | 'sitemap', e: SitemapEntry) =>
  `<${element}><loc>${escapeHtml(e.loc)}</loc>${e.lastmod === null ? '' : `<lastmod>${escapeHtml(e.lastmod)}</lastmod>`}</${element}>`;

/** A sitemap (`<urlset>`) of at most SITEMAP_MAX_URLS entries. */
export function renderSitemap(entries: readonly SitemapEntry[]): string {
  if (entries.length > SITEMAP_MAX_URLS) throw new Error(`a sitemap holds at most ${SITEMAP_MAX_URLS} URLs`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="${SITEMAP_NS}">\n${entries.map((e) => entryElement('url', e)).join('\n')}\n</urlset>\n`;
}

/** A sitemap index: the child sitemaps, each with when its newest entry changed. */
export function renderSitemapIndex(children: readonly SitemapEntry[]): string {
  const items = children.map((c) => entryElement('sitemap', c));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="${SITEMAP_NS}">\n${items.join('\n')}\n</sitemapindex>\n`;
}

/** The address of child sitemap `n` (from 1). */
export const sitemapPageUrl = (site: Site, n: number) => `${site.url}/sitemap-${n}.xml`;

/** `/robots.txt`: everything public may be crawled, the editor API not; where the sitemap is. */
export function renderRobots(site: Site): string {
  const base = new URL(`${site.url}/`).pathname;
  return `User-agent: *\nAllow: ${base}\nDisallow: ${base}api/v1/admin/\n\nSitemap: ${site.url}/sitemap.xml\n`;
}

/**
 * `/llms.txt` (the llms.txt proposal): the newsletter's name, a one-line
 * summary, what it is, and its latest issues linked to their Markdown, then the feeds and API.
 */
export function renderLlmsTxt(site: Site, latest: readonly IssueListItem[]): string {
  // Text as Markdown text: one line, and every character Markdown or HTML would read as syntax escaped.
  const line = (text: string) =>
    xmlSafe(text)
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\\`*_{}[\]()<>#!|~&]/g, '\\$&');
  const issues = latest.map((issue) => {
    const note = line(summaryLine(issue));
    return `- [${line(issue.title)}](${issueUrl(site, issue.slug)}.md)${note === '' ? '' : `: ${note}`}`;
  });
  return [
    `# ${line(site.name)}`,
    '',
    `> ${line(site.name)}: a newsletter's published issues, each as a web page and as Markdown.`,
    '',
    `Every issue is at ${site.url}/issues/{slug}; add \`.md\` (or send \`Accept: text/markdown\`) for its Markdown with YAML front matter. The archive is at ${archiveUrl(site, undefined)}.`,
    '',
    '## Latest issues',
    '',
    ...(issues.length === 0 ? ['(none published yet)'] : issues),
    '',
    '## Optional',
    '',
    `- [RSS feed](${site.url}/feed.xml): every issue's full text, newest 20`,
    `- [JSON Feed](${site.url}/feed.json): the same as JSON Feed 1.1`,
    `- [Public API](${site.url}/docs): search and read issues as JSON`,
    `- [Sitemap](${site.url}/sitemap.xml): every page`,
    '',
  ].join('\n');
}

/** Tag pages as sitemap entries. */
export const tagEntries = (site: Site, tags: readonly { name: string; lastmod: string | null }[]): SitemapEntry[] =>
  tags.map((t) => ({ loc: tagUrl(site, t.name), lastmod: t.lastmod }));
