import type { Issue } from '../domain/issue';
import type { Db } from './db';
import { ALL_COLUMNS, type IssueRow, toIssue } from './issue-rows';

/** The newest published issues with their HTML, of one tag if given. */
export async function newestPublished(db: Db, options: { tag?: string; limit: number }, base: string): Promise<Issue[]> {
  const statement =
    options.tag === undefined
      ? db
          .prepare(`SELECT ${ALL_COLUMNS} FROM issues WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT ?`)
          .bind(options.limit)
      : db
          .prepare(
            `SELECT ${ALL_COLUMNS} FROM issues WHERE id IN (SELECT issue_id FROM issue_tags ` +
              'WHERE tag = ? AND published_at IS NOT NULL ORDER BY published_at DESC, issue_id DESC LIMIT ?) ' +
              'ORDER BY published_at DESC, id DESC',
          )
          .bind(options.tag, options.limit);
  const { results } = await statement.all<IssueRow>();
  return results.map((row) => toIssue(row, base));
}

/**
 * Page `page` (from 1) of the published issues in publishing order, oldest first, `size` a page:
 * the RFC 5005 archive documents. A full page keeps its issues as later issues are published.
 */
export async function archivePage(db: Db, options: { tag?: string; page: number; size: number }, base: string): Promise<Issue[]> {
  const offset = (options.page - 1) * options.size;
  const statement =
    options.tag === undefined
      ? db
          .prepare(`SELECT ${ALL_COLUMNS} FROM issues WHERE status = 'published' ORDER BY published_at, id LIMIT ? OFFSET ?`)
          .bind(options.size, offset)
      : db
          .prepare(
            `SELECT ${ALL_COLUMNS} FROM issues WHERE id IN (SELECT issue_id FROM issue_tags ` +
              'WHERE tag = ? AND published_at IS NOT NULL ORDER BY published_at, issue_id LIMIT ? OFFSET ?) ' +
              'ORDER BY published_at, id',
          )
          .bind(options.tag, options.size, offset);
  const { results } = await statement.all<IssueRow>();
  return results.map((row) => toIssue(row, base));
}
