// A YAML writer for front matter that YAML 1.1 readers (PyYAML, Jekyll, many static-site tools) and
// YAML 1.2 readers read alike. Every string is double-quoted, and every character that either
// version treats as a line break or as non-printable (U+0085, U+2028, U+2029, C0 and C1 controls,
// DEL, U+FEFF, U+FFFE/U+FFFF, lone surrogates) is written as an escape: a raw U+2028 inside a
// scalar is a line break to YAML 1.1, where text after it could start a key of its own.
// (The `yaml` package's own writer leaves those characters raw, even in double quotes.)

type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value | undefined };

/** What YAML 1.1 and 1.2 both print as it is, besides `"` and `\`: printable ASCII, and the BMP and astral planes less the line separators, BOM and non-characters. */
const ESCAPED = /[^\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]|["\\]/gu;
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** A string as a double-quoted scalar both YAML versions read back as exactly this string. */
export function yamlString(value: string): string {
  return `"${value.replace(ESCAPED, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** A key: our own field names, plain; anything else quoted. */
const key = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : yamlString(name));

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return yamlString(value);
}

const isScalar = (value: Value): value is string | number | boolean | null => value === null || typeof value !== 'object';

function lines(value: Value, indent: string): string[] {
  if (isScalar(value)) return [`${indent}${scalar(value)}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}[]`];
    return value.flatMap((item: Value) => {
      if (isScalar(item) || (Array.isArray(item) ? item.length === 0 : Object.keys(item).length === 0))
        return [`${indent}- ${inline(item)}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.slice(indent.length + 2)}`, ...rest];
    });
  }
  return Object.entries(value as Record<string, Value | undefined>).flatMap(([name, item]) => {
    if (item === undefined) return [];
    if (isScalar(item) || (Array.isArray(item) ? item.length === 0 : Object.keys(item).length === 0))
      return [`${indent}${key(name)}: ${inline(item)}`];
    return [`${indent}${key(name)}:`, ...lines(item, `${indent}  `)];
  });
}

const inline = (value: Value): string => (isScalar(value) ? scalar(value) : Array.isArray(value) ? '[]' : '{}');

/** A mapping as a YAML document's lines (without the `---` fences), each ending in a line feed. */
export function yamlDocument(mapping: Record<string, Value | undefined>): string {
  return lines(mapping, '')
    .map((line) => `${line}\n`)
    .join('');
}
