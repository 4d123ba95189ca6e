import { escapeHtml } from './text';

/** Markup that is safe to insert as it is: built by `html`, or vouched for with `raw()`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/**
 * Trusted markup, inserted without escaping. Every use is a claim that the string is safe: our own
 * constants, or issue HTML that the sanitizer wrote on save (and that pages still serve under a CSP
 * that runs no script of its own).
 */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/**
 * Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). In text a reader sees,
 * an unclosed one turns the rest of the line around ("\u202Etxt.exe" reads "exe.txt"); stored text
 * keeps them, pages render without them, so no field can change the direction of anything else.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value).replace(BIDI_CONTROLS, ''));
}

/** A template tag that escapes every interpolation unless it is SafeHtml (or an array of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** JSON for a `<script type="application/ld+json">` block: `<` is escaped so no `</script>` can close it. */
export function jsonForScript(data: unknown): SafeHtml {
  const escaped = JSON.stringify(data).replace(
    /[<\u2028\u2029\u202A-\u202E\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return raw(escaped);
}
