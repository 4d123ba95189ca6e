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

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** A template tag that escapes every interpolation unless it is SafeHtml (or an array of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** JSON for a `<script type="application/ld+json">` block: `<` is escaped so no `</script>` can close it. */
export function jsonForScript(data: unknown): SafeHtml {
  return raw(JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
}
