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
