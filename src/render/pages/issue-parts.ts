import type { Issue } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { readableDate } from '../dates';
import { html, type SafeHtml } from '../html';
import type { ImageSizes } from '../sanitize';
import { summaryLine } from '../text';
import { imageSrcset, tagUrl, uploadNameAt } from '../urls';

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

/**
 * The cover atop an issue, with its alt text, and its size (and smaller widths, with Cloudflare
 * Images on) when it is one of our uploads. `ownOnly` (embeds, which request nothing elsewhere)
 * shows it only then.
 */
export function coverImage(
  site: Site,
  issue: Pick<Issue, 'cover'>,
  imageSizes: ImageSizes,
  options: { ownOnly: boolean; sizes: string },
): SafeHtml {
  const { cover } = issue;
  if (cover === null) return html``;
  const own = uploadNameAt(site, cover.url) !== undefined;
  if (options.ownOnly && !own) return html``;
  const url = new URL(cover.url);
  const size = own ? (imageSizes.get(url.href) ?? imageSizes.get(url.pathname)) : undefined;
  const srcset = size === undefined ? null : imageSrcset(site, url.href, size.width);
  return html`<img class="cover" src="${url.href}" alt="${cover.alt}"${size === undefined ? '' : html` width="${size.width}" height="${size.height}"`}${
    srcset === null ? '' : html` srcset="${srcset}" sizes="${options.sizes}"`
  } decoding="async">`;
}

/** The last segment of a URL's path, decoded where it decodes: an attachment's name when it has no title. */
function fileName(url: string): string {
  const last = new URL(url).pathname.split('/').pop() || url;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** "3.2 MB", "820 KB": a file's length as readers read it (decimal units, as file managers show). */
export function readableBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The issue's attachments: a download link each, with its type and length; with `players`, an
 * audio file gets the browser's own player too (pages; embeds make no request of their own).
 */
export function attachmentList(issue: Pick<Issue, 'attachments' | 'language'>, options: { players: boolean }): SafeHtml {
  if (issue.attachments.length === 0) return html``;
  const heading = issue.language.startsWith('ko') ? '첨부 파일' : 'Attachments';
  return html`<section class="attachments"><h2>${heading}</h2><ul>${issue.attachments.map((a) => {
    const name = a.title ?? fileName(a.url);
    const player =
      options.players && a.content_type.startsWith('audio/') ? html`<audio controls preload="none" src="${a.url}"></audio>` : html``;
    return html`<li><a href="${a.url}" type="${a.content_type}">${name}</a> <span class="file">${a.content_type.split('/')[1]?.toUpperCase()} · ${readableBytes(a.bytes)}</span>${player}</li>`;
  })}</ul></section>`;
}

export function tagList(site: Site, tags: readonly string[]): SafeHtml {
  if (tags.length === 0) return html``;
  return html`<ul class="tags">${tags.map((tag) => html`<li><a href="${tagUrl(site, tag)}">#${tag}</a></li>`)}</ul>`;
}

/** A one-line description for meta tags: subtitle, then summary, then nothing. */
export function describe(issue: Pick<Issue, 'subtitle' | 'summary' | 'title'>): string {
  return summaryLine(issue) || issue.title;
}

/** What stands where a file was taken down (domain/takedown): said, so that nothing looks broken. */
export const REMOVED_FILE_NOTE = '삭제된 파일입니다';
