import type * as v from 'valibot';
import type { Issue } from '../domain/issue';
import type { OEmbedSchema } from '../domain/responses';
import type { Site } from '../domain/site';
import { widgetSnippet, widgetUrl } from './snippet';
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

/** An oEmbed 1.0 `rich` response for an issue page: an iframe of its embed at `size` (see oembedSize). */
export function oembedFor(site: Site, issue: Issue, size: { width: number; height: number }): OEmbed {
  const author = issue.authors[0] === undefined ? undefined : issue.authors.map((a) => a.name).join(', ');
  return richResponse(site, issue.title, widgetUrl(site, { widget: 'issue', slug: issue.slug }), size, author);
}

/** An oEmbed 1.0 `rich` response for the home page or a tag page: the list widget of its newest issues. */
export function oembedForList(site: Site, tag: string | undefined, size: { width: number; height: number }): OEmbed {
  const title = tag === undefined ? site.name : `${site.name} · ${tag}`;
  return richResponse(site, title, widgetUrl(site, { widget: 'list', ...(tag === undefined ? {} : { tag }) }), size);
}

function richResponse(site: Site, title: string, src: string, size: { width: number; height: number }, author?: string): OEmbed {
  return {
    version: '1.0',
    type: 'rich',
    title,
    ...(author === undefined ? {} : { author_name: author }),
    provider_name: site.name,
    provider_url: `${site.url}/`,
    cache_age: 3600,
    html: widgetSnippet(site, src, { title, ...size }),
    width: size.width,
    height: size.height,
  };
}

/** The same response as oEmbed's XML format: every value escaped and held to what XML 1.0 can carry. */
export function oembedXml(oembed: OEmbed): string {
  const fields = Object.entries(oembed)
    .map(([key, value]) => `<${key}>${escapeHtml(xmlSafe(String(value)))}</${key}>`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<oembed>${fields}</oembed>\n`;
}
