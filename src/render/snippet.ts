import type { Widget } from '../domain/partner';
import type { Site } from '../domain/site';
import { escapeHtml } from './text';

/** What a widget shows: which one, and its query (a tag, a view, a theme, a list length). */
export interface WidgetChoice {
  widget: Widget;
  /** The issue of an `issue` widget. */
  slug?: string;
  tag?: string;
  view?: 'full' | 'card';
  theme?: 'light' | 'dark' | 'auto';
  limit?: number;
  /** The partner's public key: labels the usage the widget brings. */
  partnerKey?: string | null;
}

/** The address of a widget: `/embed/{slug}`, `/embed/latest` or `/embed/list`, with its query. */
export function widgetUrl(site: Site, choice: WidgetChoice): string {
  const path = choice.widget === 'issue' ? encodeURIComponent(choice.slug ?? '') : choice.widget;
  const query = new URLSearchParams();
  if (choice.tag !== undefined) query.set('tag', choice.tag);
  if (choice.view !== undefined && choice.view !== 'full') query.set('view', choice.view);
  if (choice.theme !== undefined && choice.theme !== 'auto') query.set('theme', choice.theme);
  if (choice.limit !== undefined) query.set('limit', String(choice.limit));
  if (choice.partnerKey) query.set('partner', choice.partnerKey);
  const search = query.toString();
  return `${site.url}/embed/${path}${search === '' ? '' : `?${search}`}`;
}

/**
 * The HTML a partner pastes (and oEmbed answers): a sandboxed iframe of the widget, and the
 * script that sizes every `iframe[data-masthead]` to the height its widget reports.
 */
export function widgetSnippet(site: Site, src: string, frame: { title: string; width?: number; height: number }): string {
  const width = frame.width === undefined ? '' : ` width="${frame.width}"`;
  const style = frame.width === undefined ? 'border:0;width:100%' : 'border:0;max-width:100%';
  return (
    `<iframe data-masthead src="${escapeHtml(src)}"${width} height="${frame.height}" title="${escapeHtml(frame.title)}" ` +
    `sandbox="allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox" loading="lazy" style="${style}"></iframe>` +
    `<script async src="${escapeHtml(`${site.url}/embed.js`)}"></script>`
  );
}
