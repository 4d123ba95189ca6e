import type * as v from 'valibot';
import { parseFrontMatter } from '../domain/front-matter';
import { type FieldError, parse, pointer } from '../domain/validation';
import { parseJsonObject, type RequestText, readText } from './body';
import { invalidInput } from './problem';

/** A route's request bodies: the schema each accepted media type is checked against. */
export type BodySchemas = Record<string, v.GenericSchema>;

export interface ReadBody<B extends BodySchemas> {
  /** The decoded body, checked against the schema of its media type. */
  value: v.InferOutput<B[keyof B]>;
  /** The body as it came (media type and text), for what must hash it (Idempotency-Key); null when there was none. */
  received: RequestText | null;
}

/** The body checked against `schema`, or a 400 with one error per bad field. */
function parseBody<S extends v.GenericSchema>(input: unknown, schema: S): v.InferOutput<S> {
  const result = parse(schema, input);
  if (!result.ok) throw invalidInput(result.errors);
  return result.value;
}

const FORM = 'application/x-www-form-urlencoded';

/** A form's fields as strings; a field given twice is refused, as a JSON key given twice is. */
function formFields(text: string): Record<string, string> {
  const form = new URLSearchParams(text);
  const fields: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of form) {
    if (Object.hasOwn(fields, key)) errors.push({ path: pointer([key]), message: 'must be given once' });
    fields[key] = value;
  }
  if (errors.length > 0) throw invalidInput(errors, 'The form gives a field more than once.');
  return fields;
}

/** Decodes text of a media type into the fields its schema checks: JSON, a form, or Markdown with YAML front matter. */
function decode(mediaType: string, text: string): Record<string, unknown> {
  if (mediaType === FORM) return formFields(text);
  if (mediaType === 'text/markdown') {
    const parsed = parseFrontMatter(text);
    if (!parsed.ok) throw invalidInput(parsed.errors, 'The Markdown document’s front matter is not valid.');
    return parsed.fields;
  }
  return parseJsonObject(text);
}

/** Whether the request carries a body at all (a POST with neither Content-Type nor length has none). */
function hasBody(request: Request): boolean {
  return request.headers.has('Content-Type') || Number(request.headers.get('Content-Length') ?? 0) > 0;
}

/**
 * Reads the body a route declares: the media type must be one it lists (415), the size within the
 * limit (413), the text valid UTF-8 and well-formed for its type, and the fields valid for the
 * schema of that type (400, one error per bad field). An optional body that is absent or blank is
 * checked as `{}`, so the schema's defaults apply.
 */
export async function readBody<B extends BodySchemas>(request: Request, schemas: B, required: boolean): Promise<ReadBody<B>> {
  const types = Object.keys(schemas);
  const first = schemas[types[0] ?? ''];
  if (!required && !hasBody(request) && first !== undefined) return { value: parseBody({}, first), received: null };
  const received = await readText(request, types);
  const schema = schemas[received.mediaType] as v.GenericSchema;
  const fields = !required && received.text.trim() === '' ? {} : decode(received.mediaType, received.text);
  return { value: parseBody(fields, schema), received };
}
