import type { Issue } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { html, raw, type SafeHtml } from '../html';
import { type ImageSizes, sanitizeHtml } from '../sanitize';
import { imageSrcset, issueUrl, referredIssueUrl } from '../urls';
import { AUTO_HEIGHT_SCRIPT, EMBED_CSS } from './assets';
import { attachmentList, coverImage, issueMeta, summaryBox, teaserCards } from './issue-parts';

export type EmbedView = 'full' | 'card';
export type EmbedTheme = 'light' | 'dark' | 'auto';

/**
 * The issue's HTML for an embed: links absolute; our own uploaded images stay images (the embed's
 * CSP allows this site's origin, and nothing else); any other image becomes a link to it (the reader
 * opens it in a new tab, like every link in an embed), so an embed requests nothing elsewhere.
 */
const embedBody = (site: Site, issueHtml: string, url: string, imageSizes: ImageSizes) =>
  sanitizeHtml(issueHtml, {
    base: url,
    images: 'links',
    keepImagesFrom: `${site.url}/media/`,
    imageSizes,
    srcset: { of: (src, width) => imageSrcset(site, src, width), sizes: '100vw' },
  });

/**
 * The cover: only when it is one of our own uploads (an embed requests nothing from other sites),
 * with its size when the media index knows it.
 */
const coverOf = (site: Site, issue: Issue, imageSizes: ImageSizes) =>
  coverImage(site, issue, imageSizes, { ownOnly: true, sizes: '100vw' });

/**
 * `/embed/{slug}` and `/embed/latest`: a self-contained document for a partner's iframe, the full
 * issue or a card. Its links to the issue page carry the partner's key, when the widget has one.
 */
export function renderEmbed(
  site: Site,
  issue: Issue,
  options: { view: EmbedView; theme: EmbedTheme; partnerKey: string | null; imageSizes?: ImageSizes },
  afterArticle: SafeHtml = html``,
): string {
  const { view, theme } = options;
  const url = issueUrl(site, issue.slug);
  const page = referredIssueUrl(site, issue.slug, options.partnerKey);
  const body =
    view === 'card'
      ? html`<article class="card">${coverOf(site, issue, options.imageSizes ?? new Map())}${issueMeta(site, issue)}<h1>${issue.title}</h1>
${issue.summary.length === 0 ? '' : html`<ol>${issue.summary.map((p) => html`<li>${p}</li>`)}</ol>`}
<a class="more" href="${page}">${site.name}에서 읽기 →</a></article>`
      : html`<article>${issueMeta(site, issue)}<h1>${issue.title}</h1>
${issue.subtitle === null ? '' : html`<p class="subtitle">${issue.subtitle}</p>`}
${coverOf(site, issue, options.imageSizes ?? new Map())}
${summaryBox(issue)}
<div class="body">${raw(embedBody(site, issue.html, url, options.imageSizes ?? new Map()))}</div>
${attachmentList(issue, { players: false })}
${teaserCards(issue)}
<a class="more" href="${page}">${site.name}에서 보기 →</a></article>
${afterArticle}`;
  return embedDocument({ language: issue.language, title: issue.title, theme }, body);
}

/**
 * The frame every widget shares: no request of its own, every link opening in a new tab
 * (`<base target="_blank">`), and the script that tells the partner's page its height.
 */
export function embedDocument(head: { language: string; title: string; theme: EmbedTheme; css?: string }, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${head.language}"${head.theme === 'auto' ? '' : html` class="${head.theme}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${head.title}</title>
<base target="_blank">
<style>${raw(head.css ?? EMBED_CSS)}</style>
</head>
<body>
${body}
<script>${raw(AUTO_HEIGHT_SCRIPT)}</script>
</body>
</html>
`.value;
}
