import type { IssueContent } from './issue';
import type { Action, Status } from './status';

/** A saved version of an issue: its content and status as they were after one change. */
export interface Revision {
  n: number;
  action: Action;
  author: string | null;
  created_at: string;
  snapshot: IssueContent & { status: Status; publish_at: string | null; published_at: string | null };
}

/** A snapshot's file fields: the cover, the older `cover_image` spelling, the attachments. */
interface WithFiles {
  cover?: { url: string } | null;
  cover_image?: string | null;
  attachments?: { url: string }[];
}

/** The addresses of a snapshot's files, as written. */
export function fileUrlsOf(snapshot: WithFiles): string[] {
  return [
    ...(snapshot.cover ? [snapshot.cover.url] : []),
    ...(typeof snapshot.cover_image === 'string' ? [snapshot.cover_image] : []),
    ...(Array.isArray(snapshot.attachments) ? snapshot.attachments.map((a) => a.url) : []),
  ];
}

/** A snapshot with the addresses of its files turned by `turn`; everything else as it is. */
export function withFileUrls<T extends WithFiles>(snapshot: T, turn: (url: string) => string): T {
  return {
    ...snapshot,
    ...(snapshot.cover ? { cover: { ...snapshot.cover, url: turn(snapshot.cover.url) } } : {}),
    ...(typeof snapshot.cover_image === 'string' ? { cover_image: turn(snapshot.cover_image) } : {}),
    ...(Array.isArray(snapshot.attachments) ? { attachments: snapshot.attachments.map((a) => ({ ...a, url: turn(a.url) })) } : {}),
  };
}
