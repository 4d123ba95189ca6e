import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { TagSchema } from '../domain/issue';
import { slugFromPath } from '../domain/slug';
import { notFound } from '../http/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The `{id}` path parameter; anything not shaped like an id (of an issue, or a partner) is a 404, not a query. */
export function idParam(request: IRequest, of: 'issue' | 'partner' = 'issue'): string {
  const id = request.params.id ?? '';
  if (!UUID.test(id)) throw notFound(`No ${of} has the id ${id}.`);
  return id;
}

/** The `{slug}` path parameter, percent-decoded; a segment that cannot be a slug is a 404. */
export function slugParam(request: IRequest, name = 'slug'): string {
  const slug = slugFromPath(request.params[name] ?? '');
  if (slug === null) throw notFound('No published issue has that slug.');
  return slug;
}

/** Decodes and normalizes the `:tag` path parameter; one that cannot be a tag is a 404. */
export function tagParam(request: IRequest): string {
  let raw: string;
  try {
    raw = decodeURIComponent(request.params.tag ?? '');
  } catch {
    throw notFound('No such tag.');
  }
  const tag = v.safeParse(TagSchema, raw);
  if (!tag.success) throw notFound('No such tag.');
  return tag.output;
}
