import { visit } from 'jsonc-parser';
import { readAtMost } from '../domain/streams';
import { type FieldError, pointer } from '../domain/validation';
import { HttpError, invalidInput } from './problem';

/** The largest request body Masthead reads: 1 MiB. Larger bodies get 413 before they are parsed. */
export const MAX_BODY_BYTES = 1_048_576;

export interface RequestText {
  /** The media type, lowercased, without parameters: `application/json`. */
  mediaType: string;
  text: string;
}

export function unsupported(accepted: readonly string[], detail: string): HttpError {
  return new HttpError(415, { name: 'unsupported-media-type', detail }, { Accept: accepted.join(', ') });
}

/** Splits `type/subtype; charset=...` and refuses any charset but UTF-8. */
function mediaTypeOf(request: Request, accepted: readonly string[]): string {
  const header = request.headers.get('Content-Type');
  if (header === null) throw unsupported(accepted, `Send a Content-Type: one of ${accepted.join(', ')}.`);
  const [type = '', ...params] = header.split(';').map((part) => part.trim());
  const mediaType = type.toLowerCase();
  if (!accepted.includes(mediaType)) {
    throw unsupported(accepted, `Content-Type ${mediaType || '(empty)'} is not accepted here; use one of ${accepted.join(', ')}.`);
  }
  for (const param of params) {
    const [key, value = ''] = param.split('=').map((s) => s.trim().toLowerCase());
    if (key === 'charset' && value.replaceAll('"', '') !== 'utf-8') {
      throw unsupported(accepted, 'Only the UTF-8 charset is accepted.');
    }
  }
  return mediaType;
}

/** The 413 problem for a body over MAX_BODY_BYTES. */
export const payloadTooLarge = (limit = MAX_BODY_BYTES) =>
  new HttpError(413, { name: 'payload-too-large', detail: `The request body must be at most ${limit} bytes.` });

/**
 * Reads the body up to `limit` bytes, counting as it goes: a declared Content-Length over the
 * limit was refused at the door already (body-limit.ts), and one that lies is caught here.
 */
export async function readBytes(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array();
  const bytes = await readAtMost(request.body, limit);
  if (bytes === null) throw payloadTooLarge(limit);
  return bytes;
}

/** The body as text, checked for media type, size and UTF-8 validity. */
export async function readText(request: Request, accepted: readonly string[]): Promise<RequestText> {
  const mediaType = mediaTypeOf(request, accepted);
  const bytes = await readBytes(request);
  let text: string;
  try {
    // `ignoreBOM: false` drops a leading byte order mark.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalidInput([{ path: '', message: 'is not valid UTF-8' }], 'The request body is not valid UTF-8.');
  }
  return { mediaType, text };
}

/** Parses JSON text that must hold an object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw invalidInput([{ path: '', message: `is not valid JSON: ${reason}` }], 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidInput([{ path: '', message: 'must be a JSON object' }], 'The request body must be a JSON object.');
  }
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw invalidInput(
      [{ path: '', message: `is nested ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted` }],
      'The request body is nested too deeply.',
    );
  }
  const repeated = repeatedKeys(text);
  if (repeated.length > 0) throw invalidInput(repeated, 'The request body gives a field more than once.');
  return value as Record<string, unknown>;
}

/** How deeply a JSON body may nest arrays and objects: an issue needs 3 levels; 32 is generous. */
const MAX_JSON_DEPTH = 32;

/**
 * The deepest nesting of arrays and objects in valid JSON text, counted in one pass without
 * recursion (the checks after it walk the value recursively and must not meet a deep one).
 */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * The keys that an object of valid JSON text names twice, after escapes are decoded. JSON.parse
 * keeps the last silently, so a client and a proxy that keeps the first would read two different
 * requests (RFC 8259 §4: names "SHOULD be unique"); jsonc-parser's event stream still sees every
 * one. Keys that differ only in Unicode composition are the door's to report (normalizeText).
 */
function repeatedKeys(text: string): FieldError[] {
  const errors: FieldError[] = [];
  const seen: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => void seen.push(new Set()),
      onObjectEnd: () => void seen.pop(),
      onObjectProperty: (property, _offset, _length, _line, _column, path) => {
        const keys = seen.at(-1)!;
        if (keys.has(property)) errors.push({ path: pointer([...path(), property]), message: 'is given more than once' });
        keys.add(property);
      },
    },
    { disallowComments: true },
  );
  return errors;
}
