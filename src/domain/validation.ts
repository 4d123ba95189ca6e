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

function pointer(keys: readonly (string | number)[]): string {
  return keys.map((k) => '/' + String(k).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/** Turns valibot's issues into one FieldError per bad field (the first problem of each wins). */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
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
export function strictObject<const E extends v.ObjectEntries>(
  entries: E,
  readOnly: ReadonlySet<string> = new Set(),
) {
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
  const result = v.safeParse(schema, input);
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: toFieldErrors(result.issues) };
}
