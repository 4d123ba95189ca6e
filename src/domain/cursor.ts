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
  return toBase64url(new TextEncoder().encode(JSON.stringify(cursor.seq === undefined ? [cursor.at, cursor.id] : [cursor.at, cursor.id, cursor.seq])));
}

export const INVALID_CURSOR: FieldError = {
  path: '/cursor',
  message: 'is not a cursor this API gave out; pass back next_cursor unchanged',
};

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
