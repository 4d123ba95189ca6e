import type { IssueListItem } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { html } from '../html';
import { archiveUrl, issueUrl } from '../urls';
import { issueMeta, tagList } from './issue-parts';
import { layout } from './layout';

export interface ArchivePage {
  tag?: string;
  /** How the tag is shown: the same on every page of it (src/services/reading.ts, tagDisplay). */
  tagName?: string;
  issues: IssueListItem[];
  /** The address of the next (older) page, or null on the last. */
  older: string | null;
  /** Whether this is the first page (no link back to the newest). */
  isFirst: boolean;
}

/** `/` and `/tags/{tag}`: published issues, newest first, a page at a time. */
export function renderArchivePage(site: Site, page: ArchivePage): string {
  const here = archiveUrl(site, page.tag);
  // A tag as its newest issue writes it ("AI"); its address and filter are its key ("ai").
  const name = page.tag === undefined ? undefined : (page.tagName ?? page.tag);
  const heading = name === undefined ? '지난 이슈' : `#${name}`;
  const main = html`<h1>${heading}</h1>
${page.issues.length === 0 ? html`<p>아직 발행된 이슈가 없습니다.</p>` : ''}
<ol class="list">${page.issues.map(
    (issue) => html`<li>${issueMeta(site, issue)}<h2><a href="${issueUrl(site, issue.slug)}">${issue.title}</a></h2>
${issue.subtitle === null ? '' : html`<p class="subtitle">${issue.subtitle}</p>`}
${issue.summary.length === 0 ? '' : html`<ol>${issue.summary.map((point) => html`<li>${point}</li>`)}</ol>`}
${tagList(site, issue.tags)}</li>`,
  )}</ol>
<nav class="pager">${page.isFirst ? html`<span></span>` : html`<a href="${here}">← 최신 이슈</a>`}${page.older === null ? '' : html`<a href="${page.older}" rel="next">이전 이슈 →</a>`}</nav>`;
  return layout(
    site,
    {
      title: name === undefined ? site.name : `#${name} · ${site.name}`,
      description: name === undefined ? `${site.name}의 지난 이슈` : `${site.name}의 #${name} 이슈`,
      canonical: here,
      language: site.language,
      ...(page.tag === undefined ? {} : { feedTag: page.tag }),
    },
    main,
  );
}
