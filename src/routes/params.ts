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

/** The `{id}` of a webhook (`wh_` and 32 hex digits) and, with `delivery`, its `{delivery}` (`dlv_` and 24); else 404. */
export function webhookParam(request: IRequest, of: 'webhook' | 'delivery' = 'webhook'): string {
  const value = (of === 'webhook' ? request.params.id : request.params.delivery) ?? '';
  const shape = of === 'webhook' ? /^wh_[0-9a-f]{32}$/ : /^dlv_[0-9a-f]{24}$/;
  if (!shape.test(value)) throw notFound(`No ${of} has the id ${value}.`);
  return value;
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
