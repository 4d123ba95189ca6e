import type { Issue } from '../domain/issue';
import type { Site } from '../domain/site';
import { issueUrl } from './urls';
import { yamlDocument } from './yaml';

/**
 * An issue as Markdown for agents and tools (`Accept: text/markdown`, `/issues/{slug}.md`): YAML
 * front matter with what a reader of the page learns besides the text (the same field names as
 * the API; `url`, `number` and the dates are the published issue's, which an upload would not
 * send), then the editor's own Markdown. Links inside stay as written; `url` is their base.
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
  // Every string double-quoted with YAML 1.1's line breaks escaped (render/yaml): PyYAML, Jekyll
  // and a YAML 1.2 reader all read the same fields, and no value can start a field of its own.
  return `---\n${yamlDocument(front)}---\n${issue.body.endsWith('\n') ? issue.body : `${issue.body}\n`}`;
}
