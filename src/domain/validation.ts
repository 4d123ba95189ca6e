import * as v from 'valibot';

/** One bad field of a rejected input, as problem+json's `errors` lists it. */
export interface FieldError {
  /** A JSON Pointer (RFC 6901) into the input: `/teasers/0/url`; `` for the input as a whole. */
  path: string;
  message: string;
}

/** C0 and C1 control characters and DEL, except tab, line feed and carriage return. */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Everything that breaks a one-line field: all control characters and Unicode line separators. */
export const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/**
 * What no address a client sends may hold: control characters, white space of any kind (the URL
 * parser drops tabs and line feeds, and trims spaces, so the address stored would not be the one
 * sent) and the invisible characters that make an address read as another: every default-
 * ignorable code point (the host parser drops them: `pay\uFE0Fpal.com` is paypal.com) and the
 * bidirectional controls.
 */
export const URL_UNSAFE = /[\p{Cc}\s\p{Default_Ignorable_Code_Point}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
export const URL_UNSAFE_MESSAGE = 'must not contain spaces, line breaks, tabs or control characters';

/** A JSON Pointer (RFC 6901) to the value at `keys`. */
export function pointer(keys: readonly (string | number)[]): string {
  return keys.map((k) => `/${String(k).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Keys that JavaScript objects treat specially; valibot skips them when it copies an object, so a
 * schema never sees them. No field is named so: they are reported here as the unknown fields they are.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** Unicode non-characters (U+FDD0–U+FDEF and the last two code points of every plane): never text. */
const NONCHARACTER = /\p{Noncharacter_Code_Point}/u;

/**
 * Text as it enters, before any schema sees it: every string (values and keys, at any depth) must
 * be well-formed UTF-16 (no lone surrogate, which would be stored as U+FFFD and differ from the
 * revision that keeps the original) and hold no non-character; it is then composed to NFC, so
 * that one text has one spelling for slugs, search, and comparisons.
 */
export function normalizeText(input: unknown): { value: unknown; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const check = (text: string, keys: readonly (string | number)[]): string => {
    if (!text.isWellFormed())
      errors.push({ path: pointer(keys), message: 'must not contain a lone surrogate (half of a UTF-16 pair is not text)' });
    else if (NONCHARACTER.test(text))
      errors.push({ path: pointer(keys), message: 'must not contain Unicode non-characters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …)' });
    return text.normalize('NFC');
  };
  const walk = (value: unknown, keys: (string | number)[]): unknown => {
    if (typeof value === 'string') return check(value, keys);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...keys, i]));
    if (typeof value !== 'object' || value === null) return value;
    // A null prototype, so that keys such as "__proto__" stay plain keys for the schema to refuse.
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, item] of Object.entries(value)) {
      const name = check(key, [...keys, key]);
      if (Object.hasOwn(out, name)) errors.push({ path: pointer([...keys, name]), message: 'is given more than once' });
      if (RESERVED_KEYS.has(name)) errors.push({ path: pointer([...keys, name]), message: 'is not a known field' });
      out[name] = walk(item, [...keys, name]);
    }
    return out;
  };
  return { value: walk(input, []), errors };
}

/** Turns valibot's issues into one FieldError per bad field (the first problem of each wins). */
function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  const byPath = new Map<string, string>();
  for (const issue of issues) {
    const keys = (issue.path ?? []).map((item) => item.key as string | number);
    let message = issue.message;
    if (issue.input === undefined && issue.expected?.startsWith('"')) {
      // valibot reports a missing key as expecting the quoted key name.
      message = 'is required';
    }
    const path = pointer(keys);
    if (!byPath.has(path)) byPath.set(path, message);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/**
 * Like `v.strictObject`, but reports every unknown key (valibot's stops at the first), each at its
 * own path, so a client learns all of its mistakes from one answer. Keys in `readOnly` are
 * server-owned fields, refused with a message of their own.
 */
export function strictObject<const E extends v.ObjectEntries>(entries: E, readOnly: ReadonlySet<string> = new Set()) {
  return v.pipe(
    v.looseObject(entries, 'must be an object'),
    v.rawCheck(({ dataset, addIssue }) => {
      const value = dataset.value as Record<string, unknown> | null;
      if (typeof value !== 'object' || value === null) return;
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(entries, key)) continue;
        const isReadOnly = readOnly.has(key);
        addIssue({
          message: isReadOnly ? 'is read-only' : 'is not a known field',
          path: [{ type: 'object', origin: 'value', input: value, key, value: value[key] }],
        });
      }
    }),
    // Documents the strictness that the check above enforces (JSON Schema, OpenAPI).
    v.metadata({ additionalProperties: false }),
    v.transform((input) => {
      const known: Record<string, unknown> = {};
      for (const key of Object.keys(entries)) if (key in input) known[key] = input[key];
      return known as v.InferOutput<v.ObjectSchema<E, undefined>>;
    }),
  );
}

/** Parses `input` or returns the FieldErrors that say why it cannot be. */
export function parse<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): { ok: true; value: v.InferOutput<S> } | { ok: false; errors: FieldError[] } {
  const text = normalizeText(input);
  const result = v.safeParse(schema, text.value);
  if (text.errors.length === 0 && result.success) return { ok: true, value: result.output };
  // The door's errors first; then the schema's, for the fields the door had nothing to say about.
  const errors = [...text.errors];
  for (const error of result.success ? [] : toFieldErrors(result.issues)) {
    if (!errors.some((e) => e.path === error.path)) errors.push(error);
  }
  return { ok: false, errors };
}
