import type { IssueListItem } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { readableDate } from '../dates';
import { html } from '../html';
import { referredIssueUrl } from '../urls';
import { LIST_CSS } from './assets';
import { type EmbedTheme, embedDocument } from './embed';

/** What the list shows of a title and of a first summary point, at most: the issue page has the rest. */
const TITLE_CHARS = 80;
const POINT_CHARS = 100;

/** The text cut to `max` characters (code points), with an ellipsis where it was cut. */
function shortened(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * `/embed/list`: the newest issues (of a tag) as a compact list for a partner's page: title, date,
 * the first summary point and a link to each issue page, every one carrying the partner's key.
 */
export function renderEmbedList(
  site: Site,
  issues: readonly IssueListItem[],
  options: { tag: string | undefined; theme: EmbedTheme; partnerKey: string | null },
): string {
  const heading = options.tag === undefined ? site.name : `${site.name} · ${options.tag}`;
  const body = html`<section class="widget"><h1>${heading}</h1>
<ul>${issues.map(
    (issue) =>
      html`<li><a href="${referredIssueUrl(site, issue.slug, options.partnerKey, true)}">${shortened(issue.title, TITLE_CHARS)}</a>${
        issue.published_at === null
          ? ''
          : html` <time datetime="${issue.published_at}">${readableDate(issue.published_at, issue.language, site.timeZone)}</time>`
      }${issue.summary[0] === undefined ? '' : html`<p>${shortened(issue.summary[0], POINT_CHARS)}</p>`}</li>`,
  )}</ul>
</section>`;
  return embedDocument({ language: site.language, title: heading, theme: options.theme, css: LIST_CSS }, body);
}
