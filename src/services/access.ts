import type { RequestContext } from '../config';
import type { Issue } from '../domain/issue';
import { lowestRoleFor, type Permission, type Role, roleAllows, roleAtLeast } from '../domain/status';
import { forbidden } from '../http/problem';
import { creatorOf } from '../storage/revisions';
import type { Editor } from './tokens';

/** Who may do what: the role's permissions, and a contributor's own issues. */

/** Refuses (403) an editor whose role is below the permission's. */
export function requirePermission(editor: Editor, permission: Permission): void {
  requireRole(editor, lowestRoleFor(permission));
}

/** Refuses (403) an editor whose role is below `lowest`: what a route declares it needs. */
export function requireRole(editor: Editor, lowest: Role): void {
  if (!roleAtLeast(editor.role, lowest)) throw forbidden(`This needs the ${lowest} role; the token's role is ${editor.role}.`);
}

/**
 * Contributors may see and change only the issues they created (as Ghost's contributors), and
 * change them only while they are drafts; editors and admins may see and change any issue.
 */
export async function requireAccess(context: RequestContext, editor: Editor, issue: Issue, intent: 'read' | 'write'): Promise<void> {
  if (intent === 'write') requirePermission(editor, issue.status === 'draft' ? 'write-draft' : 'write-any');
  if (roleAllows(editor.role, 'read-any')) return;
  if ((await creatorOf(context.db, issue.id)) !== editor.name) {
    throw forbidden(`Contributors may ${intent} only the issues they created; this one was created by someone else.`);
  }
}
