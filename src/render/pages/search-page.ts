import type { IssueListItem } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { excerpt, highlight } from '../highlight';
import { html } from '../html';
import { issueUrl, tagUrl } from '../urls';
import { issueMeta, tagList } from './issue-parts';
import { layout } from './layout';

export interface SearchResult {
  issue: IssueListItem;
  /** The issue's visible text, for an excerpt around the first match. */
  text: string;
}

export interface SearchPage {
  /** What the reader typed, as typed (shown back in the box). */
  q: string;
  terms: string[];
  results: SearchResult[];
  /** The next page's address, or null on the last. */
  next: string | null;
  isFirst: boolean;
}

/** `/search?q=`: published issues matching every term, newest first, with the terms marked. */
export function renderSearchPage(site: Site, page: SearchPage): string {
  const { q, terms } = page;
  const here = `${site.url}/search`;
  const heading = terms.length === 0 ? '검색' : `“${q.trim()}” 검색 결과`;
  const main = html`<h1>${heading}</h1>
<form class="search-big" action="${here}" method="get" role="search"><input type="search" name="q" value="${q}" maxlength="200" aria-label="검색어"> <button type="submit">검색</button></form>
${
  terms.length === 0
    ? html`<p>제목, 요약, 본문에서 찾습니다. 여러 낱말을 넣으면 모두 들어 있는 이슈를 찾습니다.</p>`
    : page.results.length === 0
      ? html`<p>${page.isFirst ? '찾는 이슈가 없습니다.' : '더 찾은 이슈가 없습니다.'}</p>`
      : ''
}
<ol class="list results">${page.results.map(
    ({
      issue,
      text,
    }) => html`<li>${issueMeta(site, issue)}<h2><a href="${issueUrl(site, issue.slug)}">${highlight(issue.title, terms)}</a></h2>
${issue.subtitle === null ? '' : html`<p class="subtitle">${highlight(issue.subtitle, terms)}</p>`}
${issue.summary.length === 0 ? '' : html`<ol>${issue.summary.map((point) => html`<li>${highlight(point, terms)}</li>`)}</ol>`}
<p class="excerpt">${highlight(excerpt(text, terms), terms)}</p>
${tagList(site, issue.tags)}</li>`,
  )}</ol>
<nav class="pager">${page.isFirst || terms.length === 0 ? html`<span></span>` : html`<a href="${here}?q=${encodeURIComponent(q)}">← 처음 결과</a>`}${
    page.next === null ? '' : html`<a href="${page.next}" rel="next">더 보기 →</a>`
  }</nav>`;
  return layout(
    site,
    {
      title: terms.length === 0 ? `검색 · ${site.name}` : `${q.trim()} · 검색 · ${site.name}`,
      description: `${site.name}의 이슈 검색`,
      canonical: terms.length === 0 ? here : `${here}?q=${encodeURIComponent(q)}`,
      language: site.language,
      noindex: true,
      query: q,
    },
    main,
  );
}

/** `/tags`: every tag with its count of published issues, most used first. */
export function renderTagsPage(site: Site, tags: readonly { name: string; count: number }[]): string {
  const main = html`<h1>태그</h1>
${tags.length === 0 ? html`<p>아직 태그가 붙은 이슈가 없습니다.</p>` : ''}
<ul class="tag-index">${tags.map((t) => html`<li><a href="${tagUrl(site, t.name)}">#${t.name}</a> <span class="count">${t.count}</span></li>`)}</ul>`;
  return layout(
    site,
    { title: `태그 · ${site.name}`, description: `${site.name}의 모든 태그`, canonical: `${site.url}/tags`, language: site.language },
    main,
  );
}
