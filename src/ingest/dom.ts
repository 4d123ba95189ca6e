import { parseHTML } from 'linkedom';

/**
 * The little of the DOM the importer uses, over linkedom (a DOM for servers, which Workers lack):
 * typed here because the project compiles without the browser's DOM types.
 */
export interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  textContent: string | null;
  readonly parentNode: DomElement | null;
  readonly childNodes: ArrayLike<DomNode> & Iterable<DomNode>;
  readonly nextSibling: DomNode | null;
  remove(): void;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly children: ArrayLike<DomElement> & Iterable<DomElement>;
  innerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  hasAttribute(name: string): boolean;
  querySelectorAll(selector: string): ArrayLike<DomElement> & Iterable<DomElement>;
  /** The first match in document order: stops there, where querySelectorAll walks the whole subtree. */
  querySelector(selector: string): DomElement | null;
  closest(selector: string): DomElement | null;
  append(...nodes: (DomNode | string)[]): void;
  replaceWith(...nodes: (DomNode | string)[]): void;
  /** Joins adjacent text nodes (the parser splits text at each character reference). */
  normalize(): void;
}

export interface DomDocument {
  readonly body: DomElement;
  createElement(tag: string): DomElement;
  createTextNode(text: string): DomNode;
}

export const ELEMENT = 1;
export const TEXT = 3;
export const COMMENT = 8;

export function parseDocument(html: string): DomDocument {
  // A whole document, so that a fragment's <td> or <li> is kept where the parser would drop it.
  const source = /<body[\s>]/i.test(html) ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
  return (parseHTML(source) as unknown as { document: DomDocument }).document;
}

export const isElement = (node: DomNode): node is DomElement => node.nodeType === ELEMENT;

/** Every descendant of `root` of one node type (text nodes, comments), in document order. */
export function descendantsOfType(root: DomNode, type: number): DomNode[] {
  const found: DomNode[] = [];
  const walk = (node: DomNode) => {
    for (const child of node.childNodes) {
      if (child.nodeType === type) found.push(child);
      else if (isElement(child)) walk(child);
    }
  };
  walk(root);
  return found;
}

/**
 * The elements under `root` that hold (have as a descendant) an element matching `selector`, found
 * in one pass: each match marks its ancestors up to `root`, stopping at one already marked (the set
 * is closed upward, so everything above it is marked too). Linear, where asking each element
 * `querySelectorAll(selector).length > 0` walks every subtree: quadratic in nesting depth.
 */
export function holdersOf(root: DomElement, selector: string): Set<DomNode> {
  const holders = new Set<DomNode>();
  for (const match of root.querySelectorAll(selector)) {
    for (let up = match.parentNode; up !== null && up !== root && !holders.has(up); up = up.parentNode) holders.add(up);
  }
  return holders;
}

/** An element's text with runs of white space as one space, trimmed. */
export const textOf = (node: DomNode) => (node.textContent ?? '').replace(/(?:\s|\u00a0|\u200b|\u200c|\u200d|\ufeff|\u034f)+/g, ' ').trim();

/** The declarations of a style attribute, by lower-case property. */
export function styleOf(element: DomElement): Map<string, string> {
  const style = new Map<string, string>();
  for (const declaration of (element.getAttribute('style') ?? '').split(';')) {
    const colon = declaration.indexOf(':');
    if (colon > 0)
      style.set(
        declaration.slice(0, colon).trim().toLowerCase(),
        declaration
          .slice(colon + 1)
          .trim()
          .toLowerCase(),
      );
  }
  return style;
}

/** A length in CSS pixels from an attribute or a style value (`1`, `1px`), or null. */
export function pixels(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*(?:!important)?\s*$/.exec(value);
  return match === null ? null : Number(match[1]);
}
