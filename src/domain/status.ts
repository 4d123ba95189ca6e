export const STATUSES = ['draft', 'scheduled', 'published', 'archived'] as const;
export type Status = (typeof STATUSES)[number];

export const ROLES = ['contributor', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a change does to an issue; recorded on each revision. */
export type Action = 'create' | 'update' | 'publish' | 'schedule' | 'unpublish' | 'archive' | 'restore';

/** The statuses each status-changing action may start from. */
const ALLOWED_FROM: Record<'publish' | 'schedule' | 'unpublish' | 'archive', readonly Status[]> = {
  publish: ['draft', 'scheduled'],
  schedule: ['draft', 'scheduled'],
  unpublish: ['scheduled', 'published', 'archived'],
  archive: ['draft', 'scheduled', 'published'],
};

export function canTransition(action: keyof typeof ALLOWED_FROM, from: Status): boolean {
  return ALLOWED_FROM[action].includes(from);
}

/** The lowest role that may do each thing: contributors write drafts, editors publish, admins delete. */
const LOWEST_ROLE = {
  'write-draft': 'contributor',
  'write-any': 'editor',
  /** Reading and listing issues someone else created (contributors see only their own). */
  'read-any': 'editor',
  publish: 'editor',
  restore: 'editor',
  archive: 'admin',
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof LOWEST_ROLE;

/** Whether `role` is `lowest` or above it. */
export function roleAtLeast(role: Role, lowest: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(lowest);
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return roleAtLeast(role, LOWEST_ROLE[permission]);
}

export function lowestRoleFor(permission: Permission): Role {
  return LOWEST_ROLE[permission];
}
