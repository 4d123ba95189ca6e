import type { Site } from '../../domain/site';
import { feedUrls } from '../feed-model';
import { html, raw, type SafeHtml } from '../html';
import { PAGE_CSS } from './assets';

export interface PageHead {
  title: string;
  description: string;
  canonical: string;
  language: string;
  /** The feeds this page offers for discovery: the site's, and a tag's on its archive. */
  feedTag?: string;
  /** Extra tags in <head>: OpenGraph, oEmbed discovery, JSON-LD. */
  moreHead?: SafeHtml;
  /** Kept out of search engines' indexes (a search result page). */
  noindex?: boolean;
  /** What the header's search box shows (on the search page, what was searched). */
  query?: string;
}

/** The page shell every reader page shares: head, site header, footer with the feeds. */
export function layout(site: Site, head: PageHead, main: SafeHtml): string {
  const feeds = [
    { urls: feedUrls(site, {}), label: site.name },
    ...(head.feedTag === undefined ? [] : [{ urls: feedUrls(site, { tag: head.feedTag }), label: `${site.name} #${head.feedTag}` }]),
  ];
  return html`<!doctype html>
<html lang="${head.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${head.title}</title>
<meta name="description" content="${head.description}">
<link rel="canonical" href="${head.canonical}">
${
  head.noindex
    ? html`<meta name="robots" content="noindex">
`
    : ''
}
${feeds.map(
  ({ urls, label }) => html`<link rel="alternate" type="application/rss+xml" title="${label} (RSS)" href="${urls.rss}">
<link rel="alternate" type="application/atom+xml" title="${label} (Atom)" href="${urls.atom}">
<link rel="alternate" type="application/feed+json" title="${label} (JSON Feed)" href="${urls.json}">
`,
)}${head.moreHead ?? ''}
<style>${raw(PAGE_CSS)}</style>
</head>
<body>
<header class="site"><div class="wrap"><a href="${site.url}/">${site.name}</a><nav><a class="tags-link" href="${site.url}/tags">태그</a><form class="search" action="${site.url}/search" method="get" role="search"><input type="search" name="q" value="${head.query ?? ''}" placeholder="이슈 검색" maxlength="200" aria-label="이슈 검색"><button type="submit">검색</button></form></nav></div></header>
<main class="wrap">
${main}
</main>
<footer class="site"><div class="wrap">${site.name} · 구독: <a href="${feeds[0]!.urls.rss}">RSS</a> · <a href="${feeds[0]!.urls.atom}">Atom</a> · <a href="${feeds[0]!.urls.json}">JSON Feed</a></div></footer>
</body>
</html>
`.value;
}
