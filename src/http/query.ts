import type * as v from 'valibot';
import { parse, RESERVED_KEYS } from '../domain/validation';
import { invalidInput } from './problem';

/**
 * The query string checked against `schema`. A repeated parameter is refused rather than
 * silently reduced to one of its values; unknown parameters are ignored (cache busters).
 */
export function parseQuery<S extends v.GenericSchema>(request: Request, schema: S): v.InferOutput<S> {
  const params = new URL(request.url).searchParams;
  const query: Record<string, string> = {};
  const errors = [];
  for (const key of new Set(params.keys())) {
    if (RESERVED_KEYS.has(key)) continue;
    const values = params.getAll(key);
    if (values.length > 1) errors.push({ path: `/${key}`, message: 'must be given once' });
    query[key] = values[0] ?? '';
  }
  const result = parse(schema, query);
  if (!result.ok) errors.push(...result.errors);
  if (errors.length > 0 || !result.ok) throw invalidInput(errors, 'The query string has invalid parameters.');
  return result.value;
}
