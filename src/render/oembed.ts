import type { Site } from '../config';
import type { Issue } from '../domain/issue';
import { escapeHtml, xmlSafe } from './text';

/** The width and height an embed is offered at before a consumer's maxwidth/maxheight. */
export const OEMBED_DEFAULT = { width: 600, height: 800 };

export interface OEmbed {
  version: '1.0';
  type: 'rich';
  title: string;
  author_name?: string;
  provider_name: string;
  provider_url: string;
  cache_age: number;
  html: string;
  width: number;
  height: number;
}

/** An oEmbed 1.0 `rich` response: an iframe of the embed, sized within the consumer's limits. */
export function oembedFor(site: Site, issue: Issue, limits: { maxwidth?: number; maxheight?: number }): OEmbed {
  const width = Math.min(OEMBED_DEFAULT.width, limits.maxwidth ?? Infinity);
  const height = Math.min(OEMBED_DEFAULT.height, limits.maxheight ?? Infinity);
  const src = `${site.url}/embed/${encodeURIComponent(issue.slug)}`;
  const iframe =
    `<iframe data-masthead src="${escapeHtml(src)}" width="${width}" height="${height}" title="${escapeHtml(issue.title)}" ` +
    `sandbox="allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox" loading="lazy" style="border:0;max-width:100%"></iframe>` +
    `<script async src="${escapeHtml(`${site.url}/embed.js`)}"></script>`;
  return {
    version: '1.0',
    type: 'rich',
    title: issue.title,
    ...(issue.authors[0] === undefined ? {} : { author_name: issue.authors.map((a) => a.name).join(', ') }),
    provider_name: site.name,
    provider_url: `${site.url}/`,
    cache_age: 3600,
    html: iframe,
    width,
    height,
  };
}

/** The same response as oEmbed's XML format: every value escaped and held to what XML 1.0 can carry. */
export function oembedXml(oembed: OEmbed): string {
  const fields = Object.entries(oembed)
    .map(([key, value]) => `<${key}>${escapeHtml(xmlSafe(String(value)))}</${key}>`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<oembed>${fields}</oembed>\n`;
}
