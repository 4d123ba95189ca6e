import { Parser } from 'htmlparser2';
import type { Removal } from '../domain/email-import';
import { BODY_MAX_LENGTH, type Teaser } from '../domain/issue';
import { cleanEmail } from './clean';
import { type DomDocument, type DomElement, parseDocument } from './dom';
import { blocksToMarkdown } from './markdown';
import { textToHtml } from './plain-text';
import { type Block, blocksOf, readStructure } from './structure';

/**
 * A sent newsletter, from its HTML (or text) to the parts of a draft issue, in three steps with the
 * network between the last two: prepare() cleans the document; readNewsletter() reads its structure,
 * and says (inBody) which images and links the draft keeps, for the service to fetch and follow;
 * writeBody() then writes the Markdown.
 */

/** Bounds on what is parsed at all: deeper or larger markup is refused before the DOM is built. */
export const HTML_LIMITS = { depth: 256, elements: 60_000, comments: 10_000, attributes: 300_000, attributesPerElement: 500 } as const;

/** HTML past HTML_LIMITS, said in words for the answer. */
export class HtmlTooComplex extends Error {}

/**
 * The most text (not counting white space, styles and scripts) a newsletter may hold: twice what an
 * issue's Markdown holds, so that what cleaning removes (hidden preheaders, footers) still fits,
 * while a message that could never become an issue is refused before its DOM is built.
 */
export const MAX_TEXT_CHARACTERS = 2 * BODY_MAX_LENGTH;

/** A newsletter with more text than an issue could hold, found before parsing. */
export class TextTooLong extends Error {
  constructor() {
    super(`holds more than ${MAX_TEXT_CHARACTERS} characters of text`);
  }
}

/** Characters other than white space. */
const visibleLength = (text: string) => text.length - (text.match(/\s/g)?.length ?? 0);

/**
 * Checks depth, the counts of elements, comments and attributes, and the length of the text with a
 * streaming parser (no tree is built): everything the DOM would hold is bounded before it is built.
 */
function checkComplexity(html: string): void {
  let depth = 0;
  let elements = 0;
  let text = 0;
  let hidden = 0;
  let comments = 0;
  let attributes = 0;
  let onThisElement = 0;
  const parser = new Parser(
    {
      onattribute() {
        attributes++;
        if (++onThisElement > HTML_LIMITS.attributesPerElement) {
          throw new HtmlTooComplex(`has an element with more than ${HTML_LIMITS.attributesPerElement} attributes`);
        }
        if (attributes > HTML_LIMITS.attributes) throw new HtmlTooComplex(`has more than ${HTML_LIMITS.attributes} HTML attributes`);
      },
      oncomment() {
        if (++comments > HTML_LIMITS.comments) throw new HtmlTooComplex(`has more than ${HTML_LIMITS.comments} HTML comments`);
      },
      onopentagname() {
        // Fired before the element's attributes are.
        onThisElement = 0;
      },
      onopentag(name) {
        elements++;
        depth++;
        if (name === 'style' || name === 'script') hidden++;
        if (depth > HTML_LIMITS.depth) throw new HtmlTooComplex(`nests HTML elements more than ${HTML_LIMITS.depth} deep`);
        if (elements > HTML_LIMITS.elements) throw new HtmlTooComplex(`has more than ${HTML_LIMITS.elements} HTML elements`);
      },
      ontext(data) {
        if (hidden > 0) return;
        text += visibleLength(data);
        if (text > MAX_TEXT_CHARACTERS) throw new TextTooLong();
      },
      onclosetag(name) {
        depth--;
        if ((name === 'style' || name === 'script') && hidden > 0) hidden--;
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
  opaqueLinks: ReadonlySet<DomElement>;
}

export function prepare(source: { html: string } | { text: string }, options: { stripCampaign: boolean }): Prepared {
  const removals: Removal[] = [];
  if ('text' in source && visibleLength(source.text) > MAX_TEXT_CHARACTERS) throw new TextTooLong();
  const html = 'html' in source ? source.html : textToHtml(source.text, removals);
  checkComplexity(html);
  const document = parseDocument(html);
  const cleaned = cleanEmail(document, options);
  return {
    document,
    removals: [...removals, ...cleaned.removals],
    opaqueLinks: new Set(cleaned.opaqueLinks),
  };
}

export interface Newsletter {
  title: string | null;
  subtitle: string | null;
  summary: string[];
  teasers: Teaser[];
  /** The body's section headings, in order. */
  sections: string[];
  feedbackCall: boolean;
  /** What the body keeps, in order: the draft's Markdown is written from these (writeBody). */
  body: Block[];
  removals: Removal[];
}

/** Reads the structure of a prepared newsletter; its body stays blocks until writeBody(). */
export function readNewsletter(prepared: Prepared, subject: string | null): Newsletter {
  const removals = [...prepared.removals];
  const structure = readStructure(blocksOf(prepared.document), removals, subject);
  return {
    ...structure,
    sections: structure.body.filter((block) => block.kind === 'heading').map((block) => block.text),
    removals,
  };
}

/**
 * The elements matching `selector` that the draft's body keeps: the images to store and the links
 * to follow are these, not the masthead's logo or a footer's links.
 */
export function inBody(newsletter: Newsletter, selector: 'img' | 'a[href]'): DomElement[] {
  return newsletter.body.flatMap((block) => [...block.element.querySelectorAll(selector)]);
}

/** The body as Markdown, once its images and links point where they should. */
export function writeBody(prepared: Prepared, newsletter: Newsletter): string {
  return blocksToMarkdown(prepared.document, newsletter.body);
}
