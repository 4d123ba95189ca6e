import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import type { PartnerInput, PartnerListQuerySchema, PartnerPatch, SnippetQuerySchema } from '../domain/partner';
import { totalsOf, type UsageDay, type UsageQuerySchema, usageRange } from '../domain/usage';
import { attachmentFilename } from '../http/header-values';
import { invalidInput, notFound } from '../http/problem';
import { json } from '../http/respond';
import { toCsv } from '../render/csv';
import { widgetSnippet, widgetUrl } from '../render/snippet';
import { createPartner, getPartner, listAllPartners, removePartner, updatePartner } from '../services/partners';
import { usageOf } from '../services/usage';
import { idParam } from './params';

type Query<S extends v.GenericSchema> = { query: v.InferOutput<S> };

/** `POST /api/v1/admin/partners`: a new partner, with its generated public key. */
export async function create(_request: IRequest, context: RequestContext, { body }: { body: PartnerInput }): Promise<Response> {
  const partner = await createPartner(context, body);
  return json(partner, { status: 201, policy: 'editor', headers: { Location: `/api/v1/admin/partners/${partner.id}` } });
}

/** `GET /api/v1/admin/partners`: current partners by name; `?removed=include` adds the removed ones. */
export async function list(
  _request: IRequest,
  context: RequestContext,
  { query }: Query<typeof PartnerListQuerySchema>,
): Promise<Response> {
  return json({ partners: await listAllPartners(context, query.removed === 'include') }, { policy: 'editor' });
}

export async function read(request: IRequest, context: RequestContext): Promise<Response> {
  return json(await getPartner(context, idParam(request, 'partner')), { policy: 'editor' });
}

/** `PATCH /api/v1/admin/partners/{id}`: a change of name, origins or notes; frames follow within the bound. */
export async function patch(request: IRequest, context: RequestContext, { body }: { body: PartnerPatch }): Promise<Response> {
  return json(await updatePartner(context, idParam(request, 'partner'), body), { policy: 'editor' });
}

/** `DELETE /api/v1/admin/partners/{id}`: removes the partner (its usage stays readable). */
export async function remove(request: IRequest, context: RequestContext): Promise<Response> {
  return json(await removePartner(context, idParam(request, 'partner')), { policy: 'editor' });
}

/** `GET /api/v1/admin/partners/{id}/snippet`: the HTML the partner pastes, as text, carrying its key. */
export async function snippet(request: IRequest, context: RequestContext, { query }: Query<typeof SnippetQuerySchema>): Promise<Response> {
  const partner = await getPartner(context, idParam(request, 'partner'));
  if (partner.removed_at !== null)
    throw notFound(`The partner ${partner.id} was removed on ${partner.removed_at}: its snippet would frame nothing.`);
  if (query.widget === 'issue' && query.slug === undefined) {
    throw invalidInput([{ path: '/slug', message: 'is required for the issue widget' }]);
  }
  if (query.widget !== 'issue' && query.slug !== undefined)
    throw invalidInput([{ path: '/slug', message: 'is for the issue widget only' }]);
  if (query.widget !== 'list' && query.limit !== undefined)
    throw invalidInput([{ path: '/limit', message: 'is for the list widget only' }]);
  if (query.widget === 'list' && query.view !== undefined) throw invalidInput([{ path: '/view', message: 'is not for the list widget' }]);
  const src = widgetUrl(context.site, { ...query, partnerKey: partner.key });
  const height = query.widget === 'list' ? 360 : query.view === 'card' ? 320 : 600;
  const html = `${widgetSnippet(context.site, src, { title: context.site.name, height })}\n`;
  return new Response(html, { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'private, no-store' } });
}

const CSV_COLUMNS = ['day', 'views_issue', 'views_latest', 'views_list', 'readers', 'clicks'] as const;
const SUMMARY_COLUMNS = ['partner', 'key', 'views_issue', 'views_latest', 'views_list', 'readers', 'clicks'] as const;

function range(context: RequestContext, query: v.InferOutput<typeof UsageQuerySchema>) {
  const days = usageRange(query, context.now().toISOString().slice(0, 10));
  if ('error' in days) throw invalidInput([days.error], 'The usage range is not valid.');
  return days;
}

function csv<K extends string>(name: string, rows: readonly Record<K, unknown>[], columns: readonly K[]): Response {
  return new Response(toCsv(columns, rows), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': attachmentFilename(`${name}.csv`),
      'Cache-Control': 'private, no-store',
    },
  });
}

const flat = (day: Pick<UsageDay, 'views' | 'readers' | 'clicks'>) => ({
  views_issue: day.views.issue,
  views_latest: day.views.latest,
  views_list: day.views.list,
  readers: day.readers,
  clicks: day.clicks,
});

/** `GET /api/v1/admin/partners/{id}/usage?from=&to=&format=`: one partner's usage by UTC day. */
export async function usage(request: IRequest, context: RequestContext, { query }: Query<typeof UsageQuerySchema>): Promise<Response> {
  const partner = await getPartner(context, idParam(request, 'partner'));
  const { from, to } = range(context, query);
  const days = await usageOf(context, partner.key, from, to);
  if (query.format === 'csv') {
    return csv(
      `usage-${partner.key}-${from}-${to}`,
      days.map((day) => ({ day: day.day, ...flat(day) })),
      CSV_COLUMNS,
    );
  }
  const { id, name, key } = partner;
  return json({ partner: { id, name, key }, from, to, days, totals: totalsOf(days) }, { policy: 'editor' });
}

/** `GET /api/v1/admin/partners/usage?from=&to=&format=`: every partner's totals, removed ones included, and the unattributed. */
export async function summary(_request: IRequest, context: RequestContext, { query }: Query<typeof UsageQuerySchema>): Promise<Response> {
  const { from, to } = range(context, query);
  const partners = await listAllPartners(context, true);
  const [unattributed, ...each] = await Promise.all([
    usageOf(context, null, from, to).then(totalsOf),
    ...partners.map((p) => usageOf(context, p.key, from, to).then(totalsOf)),
  ]);
  const rows = partners.map((p, i) => ({ id: p.id, name: p.name, key: p.key, removed_at: p.removed_at, totals: each[i]! }));
  if (query.format === 'csv') {
    return csv(
      `usage-${from}-${to}`,
      [
        ...rows.map((r) => ({ partner: r.name, key: r.key, ...flat(r.totals) })),
        { partner: '(unattributed)', key: '', ...flat(unattributed!) },
      ],
      SUMMARY_COLUMNS,
    );
  }
  return json({ from, to, partners: rows, unattributed }, { policy: 'editor' });
}
