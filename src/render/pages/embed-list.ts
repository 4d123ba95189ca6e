import type { IssueListItem } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { readableDate } from '../dates';
import { html } from '../html';
import { archiveUrl, referredIssueUrl } from '../urls';
import { type EmbedTheme, embedDocument } from './embed';

/**
 * `/embed/list`: the newest issues (of a tag) as a compact list for a partner's page: title, date,
 * the first summary point and a link to each, every link carrying the partner's key.
 */
export function renderEmbedList(
  site: Site,
  issues: readonly IssueListItem[],
  options: { tag: string | undefined; theme: EmbedTheme; partnerKey: string | null },
): string {
  const heading = options.tag === undefined ? site.name : `${site.name} · ${options.tag}`;
  const body = html`<section class="widget"><h1><a href="${archiveUrl(site, options.tag)}">${heading}</a></h1>
<ul>${issues.map(
    (issue) =>
      html`<li><a href="${referredIssueUrl(site, issue.slug, options.partnerKey)}">${issue.title}</a>${
        issue.published_at === null
          ? ''
          : html` <time datetime="${issue.published_at}">${readableDate(issue.published_at, issue.language, site.timeZone)}</time>`
      }${issue.summary[0] === undefined ? '' : html`<p>${issue.summary[0]}</p>`}</li>`,
  )}</ul>
</section>`;
  return embedDocument({ language: site.language, title: heading, theme: options.theme }, body);
}
