import type { IssueListItem } from '../domain/issue';
import type { Revision } from '../domain/revision';
import type { Site } from '../domain/site';
import { issueUrl } from './urls';

type AnyIssue = IssueListItem & { html?: string; body?: string };

/** What readers see: no status, no Markdown source, no version. `html` only for a single issue. */
export function publicIssue(site: Site, issue: AnyIssue) {
  return {
    id: issue.id,
    number: issue.number,
    slug: issue.slug,
    title: issue.title,
    subtitle: issue.subtitle,
    summary: issue.summary,
    ...(issue.html === undefined ? {} : { html: issue.html }),
    teasers: issue.teasers,
    tags: issue.tags,
    authors: issue.authors,
    cover: issue.cover,
    cover_image: issue.cover?.url ?? null,
    attachments: issue.attachments,
    canonical_url: issue.canonical_url,
    url: issueUrl(site, issue.slug),
    language: issue.language,
    published_at: issue.published_at,
    updated_at: issue.updated_at,
  };
}

/** What editors see: the reader fields plus status, Markdown body, schedule, version and creation time. */
export function editorIssue(site: Site, issue: AnyIssue) {
  return {
    ...publicIssue(site, issue),
    status: issue.status,
    ...(issue.body === undefined ? {} : { body: issue.body }),
    publish_at: issue.publish_at,
    version: issue.version,
    created_at: issue.created_at,
  };
}

export function revisionJson(revision: Revision) {
  return {
    n: revision.n,
    action: revision.action,
    author: revision.author,
    created_at: revision.created_at,
    issue: revision.snapshot,
  };
}
