import type * as v from 'valibot';
import type { Issue } from '../domain/issue';
import type { OEmbedSchema } from '../domain/responses';
import type { Site } from '../domain/site';
import { escapeHtml, xmlSafe } from './text';

/** The width and height an embed is offered at before a consumer's maxwidth/maxheight. */
const OEMBED_DEFAULT = { width: 600, height: 800 };

export type OEmbed = v.InferOutput<typeof OEmbedSchema>;

/** Sizes come in steps, so that consumers' maxwidth/maxheight make a few outputs, not thousands. */
const STEP = { width: 50, height: 100 };

/**
 * The width and height offered for a consumer's maxwidth/maxheight: the default, or the largest
 * step within the limit (never less than one step: an embed narrower than 50 px is no embed).
 */
export function oembedSize(limits: { maxwidth?: number; maxheight?: number }): { width: number; height: number } {
  const fitted = (limit: number | undefined, max: number, step: number) =>
    Math.max(step, Math.floor(Math.min(max, limit ?? max) / step) * step);
  return {
    width: fitted(limits.maxwidth, OEMBED_DEFAULT.width, STEP.width),
    height: fitted(limits.maxheight, OEMBED_DEFAULT.height, STEP.height),
  };
}

/** An oEmbed 1.0 `rich` response: an iframe of the embed at `size` (see oembedSize). */
export function oembedFor(site: Site, issue: Issue, size: { width: number; height: number }): OEmbed {
  const { width, height } = size;
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
