import { parseDocument } from 'yaml';
import type { FieldError } from './validation';

/** `---` fence lines around YAML at the very start of a Markdown document. */
const FENCED = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

export type FrontMatterResult = { ok: true; fields: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/**
 * Splits a Markdown upload into its YAML front matter and its body, and returns them as one field
 * object (`body` is the Markdown after the front matter) for the same schema that checks JSON.
 */
export function parseFrontMatter(source: string): FrontMatterResult {
  const match = FENCED.exec(source);
  if (match === null) {
    return {
      ok: false,
      errors: [
        {
          path: '/front_matter',
          message: 'is missing: start the document with a "---" line, YAML fields (at least title), and a closing "---" line',
        },
      ],
    };
  }
  // YAML 1.2 core schema: dates stay strings, no custom tags, aliases bounded against "billion laughs".
  const doc = parseDocument(match[1] ?? '', { schema: 'core', uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const reasons = doc.errors.map((e) => e.message.split('\n')[0]).join('; ');
    return { ok: false, errors: [{ path: '/front_matter', message: `is not valid YAML: ${reasons}` }] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // yaml throws when aliases would expand past maxAliasCount ("billion laughs").
    const reason = error instanceof Error ? error.message : 'cannot be read';
    return { ok: false, errors: [{ path: '/front_matter', message: `is not usable YAML: ${reason}` }] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, errors: [{ path: '/front_matter', message: 'must be a YAML mapping of field names to values' }] };
  }
  const fields = data as Record<string, unknown>;
  if ('body' in fields) {
    return {
      ok: false,
      errors: [{ path: '/front_matter/body', message: 'is not a front matter field: the body is the Markdown after the front matter' }],
    };
  }
  return { ok: true, fields: { ...fields, body: source.slice(match[0].length).replace(/^(?:\r?\n)+/, '') } };
}
