import type { Issue, IssueListItem } from './issue';

/** A Markdown link's label: escapes, and brackets nested one deep. */
const LABEL = String.raw`(?:[^\[\]\\]|\\.|\[[^\]]*\])*`;

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
    teasers: issue.teasers.map((t) => (t.url !== null && removed(t.url) ? { ...t, url: null } : t)),
  };
  if (!('html' in issue)) return next;
  let html = issue.html;
  let body = issue.body;
  for (const name of names) {
    if (!html.includes(name) && !body.includes(name)) continue;
    const path = name.replace('.', '\\.');
    /** Any address naming the file: absolute or a path, with a query or fragment. */
    const address = `(?:https?://[^\\s"'<>()\\]]*)?/media/${path}(?:[?#][^\\s"'<>()\\]]*)?`;
    // The stored HTML is our renderer's own (attributes double-quoted): an image or a player naming
    // the file goes whole (its srcset names it too); a link keeps its text and loses its address;
    // the address written out as text becomes the note.
    html = html
      .replace(new RegExp(`<img\\b[^>]*/media/${path}[^>]*>`, 'g'), `<span class="removed">${note}</span>`)
      .replace(
        new RegExp(`<(audio|video|source)\\b[^>]*/media/${path}[^>]*>(?:[\\s\\S]*?</\\1>)?`, 'g'),
        `<span class="removed">${note}</span>`,
      )
      .replace(new RegExp(`(<a\\b[^>]*?)\\s+href="[^"]*/media/${path}[^"]*"`, 'g'), '$1')
      .replace(new RegExp(address, 'g'), note);
    body = body
      // Images, inline or by reference, and links: the words stay, the address goes.
      .replace(new RegExp(`!\\[(${LABEL})\\]\\(\\s*<?${address}>?[^)]*\\)`, 'g'), `(${note})`)
      .replace(new RegExp(`\\[(${LABEL})\\]\\(\\s*<?${address}>?[^)]*\\)`, 'g'), '$1')
      .replace(new RegExp(`^ {0,3}\\[[^\\]]+\\]:[ \\t]*<?${address}>?.*$`, 'gm'), '')
      .replace(new RegExp(`<${address}>`, 'g'), note)
      .replace(new RegExp(address, 'g'), note);
  }
  return { ...next, html, body } as T;
}

/** Whether an issue names any upload of ours at all: only such an issue can name one taken down. */
export function namesUploads(issue: IssueListItem | Issue): boolean {
  const named = (text: string | null) => text?.includes('/media/') ?? false;
  return (
    named(issue.cover?.url ?? null) ||
    issue.attachments.some((a) => named(a.url)) ||
    issue.teasers.some((t) => named(t.url)) ||
    ('html' in issue && (named(issue.html) || named(issue.body)))
  );
}
