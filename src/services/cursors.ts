import type { RequestContext } from '../config';
import { type Cursor, encodeCursor, INVALID_CURSOR, type SealedCursor } from '../domain/cursor';
import { toBase64url } from '../domain/hashing';
import { invalidInput } from '../http/problem';
import { readSigningKey } from '../storage/signing-keys';

/**
 * Reader cursors are sealed with an HMAC (SHA-256, cut to 128 bits) under a key kept in D1. A
 * cursor names a cached page, so a forged one would make a new cache entry for anyone who asks;
 * a sealed one names only positions this site handed out.
 */
let key: Promise<CryptoKey> | null = null;

function cursorKey(context: RequestContext): Promise<CryptoKey> {
  key ??= readSigningKey(context.db, 'cursor')
    .then((hex) => {
      const bytes = Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
      return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    })
    .catch((error: unknown) => {
      key = null; // read it again next time rather than remember a failure
      throw error;
    });
  return key;
}

async function macOf(context: RequestContext, payload: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await cursorKey(context), new TextEncoder().encode(payload));
  return toBase64url(new Uint8Array(signature).slice(0, 16));
}

/** The sealed cursor string a reader passes back for the page after `cursor`. */
export async function sealCursor(context: RequestContext, cursor: Cursor): Promise<string> {
  const payload = encodeCursor(cursor);
  return `${payload}.${await macOf(context, payload)}`;
}

/** The position of a sealed cursor (none: null), or a 400 when this site did not seal it. */
export async function openCursor(context: RequestContext, sealed: SealedCursor | undefined): Promise<Cursor | null> {
  if (sealed === undefined) return null;
  const expected = await macOf(context, sealed.payload);
  // Both are 22 characters; compare every one, so the time taken says nothing about the MAC.
  let difference = expected.length ^ sealed.mac.length;
  for (let i = 0; i < expected.length; i++) difference |= expected.charCodeAt(i) ^ sealed.mac.charCodeAt(i);
  if (difference !== 0) throw invalidInput([INVALID_CURSOR], 'The cursor is not one this site gave out.');
  return sealed.cursor;
}
