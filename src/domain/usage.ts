import * as v from 'valibot';
import { WIDGETS, type Widget } from './partner';

/** What a widget brought: a view of one widget kind, or a reader's click through to our page. */
export type UsageEvent = { kind: 'view'; widget: Widget } | { kind: 'click' };

/** One partner's usage on one UTC day (the day the client hashes' salt is for). */
export interface UsageDay {
  day: string;
  views: Record<Widget, number>;
  /** Distinct readers: distinct daily-salted client hashes among that day's views and clicks. */
  readers: number;
  clicks: number;
}

/** The name of the usage counted for embeds without a (current) partner key. */
export const UNATTRIBUTED = 'unattributed';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const ViewsSchema = v.object({ issue: count, latest: count, list: count });

/** Counts over days: views by widget, the sum of each day's distinct readers, clicks. */
export const UsageTotalsSchema = v.object({ views: ViewsSchema, readers: count, clicks: count });
export type UsageTotals = v.InferOutput<typeof UsageTotalsSchema>;

export const UsageDaySchema = v.object({ day: v.string(), views: ViewsSchema, readers: count, clicks: count });

/** `GET /api/v1/admin/partners/{id}/usage`: one partner's usage by day, and its totals. */
export const PartnerUsageSchema = v.object({
  partner: v.object({ id: v.string(), name: v.string(), key: v.string() }),
  from: v.string(),
  to: v.string(),
  days: v.array(UsageDaySchema),
  totals: UsageTotalsSchema,
});

/** `GET /api/v1/admin/partners/usage`: every partner's totals, and the unattributed ones. */
export const UsageSummarySchema = v.object({
  from: v.string(),
  to: v.string(),
  partners: v.array(
    v.object({ id: v.string(), name: v.string(), key: v.string(), removed_at: v.nullable(v.string()), totals: UsageTotalsSchema }),
  ),
  unattributed: UsageTotalsSchema,
});

/** The totals of some days. */
export function totalsOf(days: readonly UsageDay[]): UsageTotals {
  const totals: UsageTotals = { views: { issue: 0, latest: 0, list: 0 }, readers: 0, clicks: 0 };
  for (const day of days) {
    for (const widget of WIDGETS) totals.views[widget] += day.views[widget];
    totals.readers += day.readers;
    totals.clicks += day.clicks;
  }
  return totals;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (value: string) =>
  DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
const DaySchema = v.pipe(
  v.string(),
  v.check((day) => isDay(day) && day >= '2000-01-01', 'must be a date, YYYY-MM-DD, from 2000'),
);

/** At most this many days in one usage answer. */
export const MAX_USAGE_DAYS = 366;

/** `?from=&to=&format=`: UTC days, inclusive; the last 30 days by default. */
export const UsageQuerySchema = v.object({
  from: v.optional(DaySchema),
  to: v.optional(DaySchema),
  format: v.optional(v.picklist(['json', 'csv'], 'must be json or csv'), 'json'),
});

/** The days a usage query asks for, with the defaults filled in from `today`. */
export function usageRange(
  query: { from?: string; to?: string },
  today: string,
): { from: string; to: string } | { error: { path: '/from' | '/to'; message: string } } {
  const shift = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const to = query.to ?? (query.from === undefined ? today : shift(query.from, 29) < today ? shift(query.from, 29) : today);
  const from = query.from ?? shift(to, -29);
  if (from > to) return { error: { path: '/from', message: `must not be after to (${to})` } };
  if (shift(from, MAX_USAGE_DAYS - 1) < to)
    return { error: { path: '/to', message: `must be at most ${MAX_USAGE_DAYS - 1} days after from` } };
  return { from, to };
}
