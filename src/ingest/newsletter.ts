import { Parser } from 'htmlparser2';
import type { Removal } from '../domain/email-import';
import type { Teaser } from '../domain/issue';
import { cleanEmail } from './clean';
import { type DomDocument, type DomElement, parseDocument } from './dom';
import { blocksToMarkdown } from './markdown';
import { textToHtml } from './plain-text';
import { blocksOf, readStructure } from './structure';

/**
 * A sent newsletter, from its HTML (or text) to the parts of a draft issue, in two steps with the
 * network between them: prepare() cleans the document and says which links and images the
 * service must fetch; extract() then reads the structure and writes the Markdown.
 */

/** Bounds on what is parsed at all: deeper or larger markup is refused before the DOM is built. */
export const HTML_LIMITS = { depth: 256, elements: 60_000 } as const;

/** HTML past HTML_LIMITS, said in words for the answer. */
export class HtmlTooComplex extends Error {}

/** Checks depth and element count with a streaming parser (no tree is built). */
function checkComplexity(html: string): void {
  let depth = 0;
  let elements = 0;
  const parser = new Parser(
    {
      onopentag() {
        elements++;
        depth++;
        if (depth > HTML_LIMITS.depth) throw new HtmlTooComplex(`nests HTML elements more than ${HTML_LIMITS.depth} deep`);
        if (elements > HTML_LIMITS.elements) throw new HtmlTooComplex(`has more than ${HTML_LIMITS.elements} HTML elements`);
      },
      onclosetag() {
        depth--;
      },
    },
    { decodeEntities: false, recognizeSelfClosing: true },
  );
  parser.end(html);
}

export interface Prepared {
  document: DomDocument;
  removals: Removal[];
  /** Tracker links whose target only the network tells. */
  opaqueLinks: DomElement[];
  /** Every image left, for the service to fetch and store. */
  images: DomElement[];
}

export function prepare(source: { html: string } | { text: string }, options: { stripCampaign: boolean }): Prepared {
  const removals: Removal[] = [];
  const html = 'html' in source ? source.html : textToHtml(source.text, removals);
  checkComplexity(html);
  const document = parseDocument(html);
  const cleaned = cleanEmail(document, options);
  return {
    document,
    removals: [...removals, ...cleaned.removals],
    opaqueLinks: cleaned.opaqueLinks,
    images: [...document.body.querySelectorAll('img')],
  };
}

export interface Extracted {
  title: string | null;
  subtitle: string | null;
  summary: string[];
  teasers: Teaser[];
  /** The body's section headings, in order. */
  sections: string[];
  feedbackCall: boolean;
  body: string;
  removals: Removal[];
}

export function extract(prepared: Prepared, subject: string | null): Extracted {
  const removals = [...prepared.removals];
  const structure = readStructure(blocksOf(prepared.document), removals, subject);
  return {
    title: structure.title,
    subtitle: structure.subtitle,
    summary: structure.summary,
    teasers: structure.teasers,
    sections: structure.body.filter((block) => block.kind === 'heading').map((block) => block.text),
    feedbackCall: structure.feedbackCall,
    body: blocksToMarkdown(prepared.document, structure.body),
    removals,
  };
}
