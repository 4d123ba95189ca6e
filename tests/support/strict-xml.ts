import { SaxesParser } from 'saxes';

/** What a strict XML 1.0 parser read from a document: its elements (by name) and their text. */
export interface ParsedXml {
  elements: string[];
  /** The text (character data and CDATA together) of every element named `name`, in order. */
  textOf(name: string): string[];
}

/**
 * Parses `text` with saxes, a conformant XML 1.0 parser that refuses every well-formedness error
 * (forbidden characters included), and throws on the first one.
 */
export function parseStrictXml(text: string): ParsedXml {
  const parser = new SaxesParser({ xmlns: false });
  const elements: string[] = [];
  const texts = new Map<string, string[]>();
  const stack: { name: string; text: string }[] = [];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    elements.push(tag.name);
    stack.push({ name: tag.name, text: '' });
  });
  const addText = (t: string) => {
    const top = stack.at(-1);
    if (top !== undefined) top.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const top = stack.pop()!;
    texts.set(top.name, [...(texts.get(top.name) ?? []), top.text]);
  });
  parser.write(text).close();
  return { elements, textOf: (name) => texts.get(name) ?? [] };
}
