import type { Issue, IssueListItem } from './issue';

/**
 * What readers see of an issue whose files were taken down (POST …/media/{sha256}/takedown): the
 * cover goes, an attachment goes, an image becomes a note that it was removed, and a link to the
 * file keeps its words but loses its address. Applied where issues are read for readers, so
 * pages, embeds, feeds and the public API all show the same; the editor's own API shows the issue
 * as stored. `names` are `<sha256>.<ext>`.
 */
export function withoutTakenDown<T extends IssueListItem | Issue>(issue: T, names: ReadonlySet<string>, note: string): T {
  if (names.size === 0) return issue;
  const removed = (url: string) => {
    const name = /\/media\/([0-9a-f]{64}\.[a-z0-9]{3,4})(?:[?#]|$)/.exec(url)?.[1];
    return name !== undefined && names.has(name);
  };
  const next: T = {
    ...issue,
    cover: issue.cover !== null && removed(issue.cover.url) ? null : issue.cover,
    attachments: issue.attachments.filter((a) => !removed(a.url)),
  };
  if (!('html' in issue)) return next;
  let html = issue.html;
  let body = issue.body;
  for (const name of names) {
    if (!html.includes(name) && !body.includes(name)) continue;
    const path = name.replace('.', '\\.');
    // The stored HTML is our renderer's own (attributes double-quoted): an image naming the file
    // is replaced whole (its srcset names it too); a link keeps its text and loses its address.
    html = html
      .replace(new RegExp(`<img\\b[^>]*/media/${path}[^>]*>`, 'g'), `<span class="removed">${note}</span>`)
      .replace(new RegExp(`(<a\\b[^>]*?)\\s+href="[^"]*/media/${path}[^"]*"`, 'g'), '$1');
    body = body.replace(new RegExp(`!\\[([^\\]]*)\\]\\([^)]*/media/${path}[^)]*\\)`, 'g'), `(${note})`);
  }
  return { ...next, html, body } as T;
}
