import type { Issue } from '../../domain/issue';
import type { Site } from '../../domain/site';
import { html, jsonForScript, raw } from '../html';
import { type ImageSizes, sanitizeHtml } from '../sanitize';
import { imageSrcset, issueUrl } from '../urls';
import { attachmentList, coverImage, describe, issueMeta, summaryBox, tagList, teaserCards } from './issue-parts';
import { layout } from './layout';

function oembedUrl(site: Site, pageUrl: string, format: 'json' | 'xml'): string {
  return `${site.url}/oembed?url=${encodeURIComponent(pageUrl)}&format=${format}`;
}

/** Open Graph, Twitter card, oEmbed discovery and JSON-LD NewsArticle for an issue page. */
function issueHead(site: Site, issue: Issue, url: string) {
  const description = describe(issue);
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: issue.title,
    ...(issue.subtitle === null ? {} : { alternativeHeadline: issue.subtitle }),
    description,
    inLanguage: issue.language,
    url,
    mainEntityOfPage: issue.canonical_url ?? url,
    datePublished: issue.published_at,
    dateModified: issue.updated_at,
    ...(issue.cover === null ? {} : { image: [issue.cover.url] }),
    author:
      issue.authors.length === 0
        ? [{ '@type': 'Organization', name: site.name }]
        : issue.authors.map((a) => ({ '@type': 'Person', name: a.name, ...(a.url === null ? {} : { url: a.url }) })),
    publisher: { '@type': 'Organization', name: site.name, url: `${site.url}/` },
    keywords: issue.tags.join(', '),
  };
  return html`<link rel="alternate" type="text/markdown" href="${url}.md" title="${issue.title} (Markdown)">
<link rel="alternate" type="application/json+oembed" href="${oembedUrl(site, url, 'json')}" title="${issue.title}">
<link rel="alternate" type="text/xml+oembed" href="${oembedUrl(site, url, 'xml')}" title="${issue.title}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="${site.name}">
<meta property="og:title" content="${issue.title}">
<meta property="og:description" content="${description}">
<meta property="og:url" content="${url}">
<meta property="og:locale" content="${issue.language.startsWith('ko') ? 'ko_KR' : issue.language.replace('-', '_')}">
${
  issue.cover === null
    ? ''
    : html`<meta property="og:image" content="${issue.cover.url}">${
        issue.cover.alt === ''
          ? ''
          : html`
<meta property="og:image:alt" content="${issue.cover.alt}">`
      }`
}
${issue.published_at === null ? '' : html`<meta property="article:published_time" content="${issue.published_at}">`}
<meta property="article:modified_time" content="${issue.updated_at}">
${issue.tags.map((tag) => html`<meta property="article:tag" content="${tag}">`)}
<meta name="twitter:card" content="${issue.cover === null ? 'summary' : 'summary_large_image'}">
<meta name="twitter:title" content="${issue.title}">
<meta name="twitter:description" content="${description}">
<script type="application/ld+json">${jsonForScript(jsonLd)}</script>
`;
}

/** How wide an image in the page's column is shown (PAGE_CSS: a 42rem column less its padding). */
const PAGE_IMAGE_SIZES = '(max-width: 44rem) 100vw, 42rem';

/** `/issues/{slug}`: one issue, as it read in the email, without any script. */
export function renderIssuePage(site: Site, issue: Issue, feedbackForm = html``, imageSizes: ImageSizes = new Map()): string {
  const url = issueUrl(site, issue.slug);
  const main = html`<article>
${issueMeta(site, issue)}
<h1>${issue.title}</h1>
${issue.subtitle === null ? '' : html`<p class="subtitle">${issue.subtitle}</p>`}
${coverImage(site, issue, imageSizes, { ownOnly: false, sizes: PAGE_IMAGE_SIZES })}
${summaryBox(issue)}
<div class="body">${raw(sanitizeHtml(issue.html, { imageSizes, srcset: { of: (src, width) => imageSrcset(site, src, width), sizes: PAGE_IMAGE_SIZES } }))}</div>
${attachmentList(issue, { players: true })}
${teaserCards(issue)}
${tagList(site, issue.tags)}
</article>
${feedbackForm}`;
  return layout(
    site,
    {
      title: `${issue.title} · ${site.name}`,
      description: describe(issue),
      canonical: issue.canonical_url ?? url,
      language: issue.language,
      moreHead: issueHead(site, issue, url),
    },
    main,
  );
}
