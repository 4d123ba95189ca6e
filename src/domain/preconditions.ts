/** The strong ETag of an editor's view of an issue: its version. */
export function versionEtag(version: number): string {
  return `"v${version}"`;
}

/**
 * What an editor's If-Match said, parsed (src/http/conditional.ts, parseIfMatch): nothing, `*`, or
 * the entity tags it listed.
 */
export type IfMatch = { kind: 'absent' } | { kind: 'any' } | { kind: 'tags'; tags: string[] };

export const NO_IF_MATCH: IfMatch = { kind: 'absent' };
