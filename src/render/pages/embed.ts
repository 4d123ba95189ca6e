import type { Issue } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { html, raw, type SafeHtml } from '../html';
import { sanitizeHtml } from '../sanitize';
import { issueUrl } from '../urls';
import { AUTO_HEIGHT_SCRIPT, EMBED_CSS } from './assets';
import { issueMeta, summaryBox, teaserCards } from './issue-parts';

export type EmbedView = 'full' | 'card';
export type EmbedTheme = 'light' | 'dark' | 'auto';

/**
 * The issue's HTML for an embed: links absolute, and images as links to them, since an embed makes
 * no request of its own (the reader opens them in a new tab, like every link in an embed).
 */
const embedBody = (issueHtml: string, url: string) => sanitizeHtml(issueHtml, { base: url, images: 'links' });

/** `/embed/{slug}`: a self-contained document for a partner's iframe, the full issue or a card. */
export function renderEmbed(site: Site, issue: Issue, view: EmbedView, theme: EmbedTheme, afterArticle: SafeHtml = html``): string {
  const url = issueUrl(site, issue.slug);
  const body =
    view === 'card'
      ? html`<article class="card">${issueMeta(site, issue)}<h1>${issue.title}</h1>
${issue.summary.length === 0 ? '' : html`<ol>${issue.summary.map((p) => html`<li>${p}</li>`)}</ol>`}
<a class="more" href="${url}">${site.name}에서 읽기 →</a></article>`
      : html`<article>${issueMeta(site, issue)}<h1>${issue.title}</h1>
${issue.subtitle === null ? '' : html`<p class="subtitle">${issue.subtitle}</p>`}
${summaryBox(issue)}
<div class="body">${raw(embedBody(issue.html, url))}</div>
${teaserCards(issue)}
<a class="more" href="${url}">${site.name}에서 보기 →</a></article>
${afterArticle}`;
  return html`<!doctype html>
<html lang="${issue.language}"${theme === 'auto' ? '' : html` class="${theme}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${issue.title}</title>
<base target="_blank">
<style>${raw(EMBED_CSS)}</style>
</head>
<body>
${body}
<script>${raw(AUTO_HEIGHT_SCRIPT)}</script>
</body>
</html>
`.value;
}
