import type { Issue } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { readableDate } from '../dates';
import { html, type SafeHtml } from '../html';
import { summaryLine } from '../text';
import { tagUrl } from '../urls';

/** "#1 · 2026년 11월 27일" */
export function issueMeta(site: Site, issue: Pick<Issue, 'number' | 'published_at' | 'language'>): SafeHtml {
  const at = issue.published_at;
  return html`<p class="meta">#${issue.number}${at === null ? '' : html` · <time datetime="${at}">${readableDate(at, issue.language, site.timeZone)}</time>`}</p>`;
}

/** The "3줄 요약" box: the issue's summary points. */
export function summaryBox(issue: Pick<Issue, 'summary' | 'language'>): SafeHtml {
  if (issue.summary.length === 0) return html``;
  const heading = issue.language.startsWith('ko') ? `📎 ${issue.summary.length}줄 요약` : '📎 In short';
  return html`<section class="summary"><h2>${heading}</h2><ol>${issue.summary.map((point) => html`<li>${point}</li>`)}</ol></section>`;
}

/** The explainer cards; a card links out only when the teaser has a URL. */
export function teaserCards(issue: Pick<Issue, 'teasers'>): SafeHtml {
  if (issue.teasers.length === 0) return html``;
  return html`<section class="teasers">${issue.teasers.map(
    (t) =>
      html`<article class="teaser"><h3>${t.url === null ? t.title : html`<a href="${t.url}">${t.title}</a>`}</h3><p>${t.excerpt}</p></article>`,
  )}</section>`;
}

export function tagList(site: Site, tags: readonly string[]): SafeHtml {
  if (tags.length === 0) return html``;
  return html`<ul class="tags">${tags.map((tag) => html`<li><a href="${tagUrl(site, tag)}">#${tag}</a></li>`)}</ul>`;
}

/** A one-line description for meta tags: subtitle, then summary, then nothing. */
export function describe(issue: Pick<Issue, 'subtitle' | 'summary' | 'title'>): string {
  return summaryLine(issue) || issue.title;
}
