import { openApiPath } from '../../src/render/openapi/document';
import type { Operation } from '../../src/render/openapi/operation';
import type { Route } from '../../src/routes/route';

/** The markers around the part of docs/API.md that is written from the route table. */
export const BEGIN = '<!-- routes: written by `npm run docs:api` from src/router.ts; do not edit by hand -->';
export const END = '<!-- routes: end -->';

/** Every tag in the document's order: a tag added to Operation and not here fails to compile. */
const ORDER = {
  Readers: 0,
  Feeds: 1,
  'Pages and embeds': 2,
  Discovery: 3,
  Feedback: 4,
  Editors: 5,
  Partners: 6,
  Webhooks: 7,
} satisfies Record<Operation['tag'], number>;
const SECTIONS = (Object.keys(ORDER) as Operation['tag'][]).sort((a, b) => ORDER[a] - ORDER[b]);

/** Table cells hold one line; a pipe inside one would end it. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function call({ method, path, doc }: Route): string {
  const query = doc.query === undefined ? '' : `?${Object.keys(doc.query.entries).join('=&')}=`;
  return `\`${method} ${openApiPath(path)}${query}\``;
}

function answers(doc: Operation): string {
  const success = Object.keys(doc.responses).join(', ');
  const errors = [...new Set([...(doc.query || doc.body || doc.upload ? [400] : []), ...doc.errors])].sort((a, b) => a - b);
  return errors.length === 0 ? success : `${success}; ${errors.join(', ')}`;
}

function what(doc: Operation): string {
  const bodies =
    doc.upload !== undefined
      ? ` Body: ${doc.upload.description}`
      : doc.body === undefined
        ? ''
        : ` Body: ${Object.keys(doc.body)
            .map((type) => `\`${type}\``)
            .join(' or ')}.`;
  const headers = (doc.headers ?? []).map((h) => ` \`${h.name}\`${h.required ? ' (required)' : ''}: ${h.description}`).join('');
  return `${doc.summary}.${doc.description === undefined ? '' : ` ${doc.description}`}${bodies}${headers}`;
}

/** Every route, grouped as the API document groups them: call, who may make it, what it does, what it answers. */
export function routeTables(routes: readonly Route[]): string {
  const parts = [BEGIN];
  for (const section of SECTIONS) {
    const rows = routes.filter((r) => r.doc.tag === section);
    if (rows.length === 0) continue;
    parts.push('', `### ${section}`, '', '| call | who | what | answers |', '| --- | --- | --- | --- |');
    for (const r of rows) parts.push(`| ${call(r)} | ${r.doc.role ?? 'anyone'} | ${cell(what(r.doc))} | ${answers(r.doc)} |`);
  }
  parts.push('', END);
  return parts.join('\n');
}

/** docs/API.md with its route tables written afresh (the text around them is kept). */
export function withRouteTables(markdown: string, routes: readonly Route[]): string {
  const begin = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (begin === -1 || end < begin) throw new Error(`docs/API.md must hold the markers:\n${BEGIN}\n${END}`);
  return markdown.slice(0, begin) + routeTables(routes) + markdown.slice(end + END.length);
}
