import { toBase64url } from './hashing';
import type { FieldError } from './validation';

/** A list position: the sort time and id of the last item of the previous page (and, for search, its place in the index). */
export interface Cursor {
  at: string;
  id: string;
  seq?: number;
}

/** The opaque cursor string clients pass back as `cursor`. */
export function encodeCursor(cursor: Cursor): string {
  return toBase64url(
    new TextEncoder().encode(JSON.stringify(cursor.seq === undefined ? [cursor.at, cursor.id] : [cursor.at, cursor.id, cursor.seq])),
  );
}

export const INVALID_CURSOR: FieldError = {
  path: '/cursor',
  message: 'is not a cursor this API gave out; pass back next_cursor unchanged',
};

/**
 * A reader's cursor as it arrives: the position, and the two parts of `<payload>.<mac>` for the
 * service to check that this site sealed it (see services/cursors.ts).
 */
export interface SealedCursor {
  cursor: Cursor;
  payload: string;
  mac: string;
}

/** The parts of a sealed cursor string, or null when it is not shaped like one. */
export function parseSealedCursor(value: string): SealedCursor | null {
  const match = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{22})$/.exec(value);
  if (match === null) return null;
  const cursor = decodeCursor(match[1]!);
  return cursor === null ? null : { cursor, payload: match[1]!, mac: match[2]! };
}

/** A sealed cursor as it appears in a cache key. */
export function sealedCursorKey(sealed: SealedCursor | undefined): string | undefined {
  return sealed === undefined ? undefined : `${sealed.payload}.${sealed.mac}`;
}

/** The cursor behind the string, or null when it is not one this API made. */
export function decodeCursor(value: string): Cursor | null {
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(value)) return null;
    const binary = atob(value.replaceAll('-', '+').replaceAll('_', '/'));
    const json = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed) || parsed.length < 2 || parsed.length > 3) return null;
    const [at, id, seq] = parsed as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at))) return null;
    if (seq === undefined) return { at, id };
    return Number.isSafeInteger(seq) && (seq as number) > 0 ? { at, id, seq: seq as number } : null;
  } catch {
    return null;
  }
}
