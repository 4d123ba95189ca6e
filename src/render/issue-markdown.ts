import { stringify } from 'yaml';
import type { Issue } from '../domain/issue';
import type { Site } from '../domain/site';
import { issueUrl } from './urls';

/**
 * An issue as Markdown for agents and tools (`Accept: text/markdown`, `/issues/{slug}.md`): YAML
 * front matter with what a reader of the page learns besides the text (the same field names as
 * the API, so it reads back through `POST /api/v1/admin/issues` as `text/markdown`), then the
 * editor's own Markdown. Links inside stay as written; `url` is the base they resolve against.
 */
export function issueMarkdown(site: Site, issue: Issue): string {
  const front = {
    title: issue.title,
    ...(issue.subtitle === null ? {} : { subtitle: issue.subtitle }),
    number: issue.number,
    url: issueUrl(site, issue.slug),
    ...(issue.canonical_url === null ? {} : { canonical_url: issue.canonical_url }),
    language: issue.language,
    published_at: issue.published_at,
    updated_at: issue.updated_at,
    ...(issue.authors.length === 0 ? {} : { authors: issue.authors.map((a) => (a.url === null ? { name: a.name } : a)) }),
    ...(issue.tags.length === 0 ? {} : { tags: issue.tags }),
    ...(issue.summary.length === 0 ? {} : { summary: issue.summary }),
    ...(issue.cover === null ? {} : { cover: issue.cover }),
    ...(issue.attachments.length === 0 ? {} : { attachments: issue.attachments }),
    ...(issue.teasers.length === 0
      ? {}
      : { teasers: issue.teasers.map((t) => (t.url === null ? { title: t.title, excerpt: t.excerpt } : t)) }),
  };
  // lineWidth 0: no folding, so a long summary point stays one line, as written.
  return `---\n${stringify(front, { lineWidth: 0 })}---\n${issue.body.endsWith('\n') ? issue.body : `${issue.body}\n`}`;
}
