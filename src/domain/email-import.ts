import * as v from 'valibot';
import { TeaserSchema } from './issue';

/** What the importer takes out of a sent newsletter because it belongs to the email, not the issue. */
export const REMOVAL_KINDS = {
  'tracking-pixel': 'an open-tracking image (1×1, or from a tracking host)',
  'spacer-image': 'a spacer image that only made room in the layout',
  preheader: 'preheader text: hidden text shown only as the inbox preview',
  'hidden-content': 'content the email hid from readers',
  'view-in-browser': 'a "view in browser" link',
  'unsubscribe-footer': 'the unsubscribe, preferences and address footer',
  'social-share': 'a row of share and follow links',
  'esp-branding': 'the email service’s branding',
  'layout-table': 'a table used for layout (its content is kept)',
  'pipe-debris': 'stray "|" left by table layout',
  'tracking-redirect': 'a click-tracking redirect (unwrapped to its target)',
  'campaign-parameters': 'utm_* and other campaign parameters on links',
  'unsafe-content': 'scripts, forms, frames and javascript: links',
  'feedback-call': 'the call for feedback (issue pages render their own feedback form)',
  masthead: 'the newsletter’s masthead above the title (logo, date, issue number)',
  byline: 'the byline and date under the title (the issue has its own authors and date)',
} as const;
export type RemovalKind = keyof typeof REMOVAL_KINDS;

/** One removal, with a sample of what went (at most a short excerpt). */
export interface Removal {
  kind: RemovalKind;
  sample?: string;
}

export const WARNING_KINDS = ['image-not-fetched', 'link-not-followed', 'block-not-understood', 'shortened', 'not-rendered'] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];
export interface ImportWarning {
  kind: WarningKind;
  message: string;
}

/** The largest message the importer reads: 10 MiB (an email with its images inline, base64). */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** What the importer recognised, removed and could not do: the report beside the draft. */
export const ImportReportSchema = v.object({
  source: v.picklist(['email', 'html', 'text']),
  recognised: v.object({
    title: v.object({ value: v.string(), from: v.picklist(['heading', 'subject', 'first line']) }),
    subtitle: v.nullable(v.string()),
    summary: v.array(v.string()),
    sections: v.array(v.string()),
    teasers: v.array(TeaserSchema),
    tags: v.array(v.string()),
    feedback_call: v.boolean(),
  }),
  removed: v.array(
    v.object({
      kind: v.picklist(Object.keys(REMOVAL_KINDS) as RemovalKind[]),
      why: v.string(),
      count: v.number(),
      samples: v.array(v.string()),
    }),
  ),
  images: v.object({ stored: v.number(), kept_remote: v.number() }),
  warnings: v.array(v.object({ kind: v.picklist(WARNING_KINDS), message: v.string() })),
});
export type ImportReport = v.InferOutput<typeof ImportReportSchema>;

/** Removals grouped by kind for the report, each with up to three samples. */
export function summarizeRemovals(removals: readonly Removal[]): ImportReport['removed'] {
  const byKind = new Map<RemovalKind, { count: number; samples: string[] }>();
  for (const removal of removals) {
    const entry = byKind.get(removal.kind) ?? { count: 0, samples: [] };
    entry.count++;
    if (removal.sample !== undefined && removal.sample !== '' && entry.samples.length < 3 && !entry.samples.includes(removal.sample)) {
      entry.samples.push(removal.sample.length > 120 ? `${removal.sample.slice(0, 119)}…` : removal.sample);
    }
    byKind.set(removal.kind, entry);
  }
  return [...byKind].map(([kind, { count, samples }]) => ({ kind, why: REMOVAL_KINDS[kind], count, samples }));
}
