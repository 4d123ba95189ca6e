import type { Removal } from '../domain/email-import';

/**
 * A plain-text newsletter (an email's text part, or the text a layout flattens to) as simple
 * HTML, for the same cleaning and structure passes as an HTML one: lines of "|" alone (what table
 * cells leave) mark a boundary; "1. …" and "- …" lines are lists (a "-" alone on its line, then
 * the item, too); Markdown headings stay headings; URLs become links. Hard-wrapped text (every
 * line short, paragraphs between blank lines) is joined back into paragraphs, and in text that
 * separates paragraphs by blank lines, a short line standing alone is a heading.
 */

const escapeText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function inline(text: string): string {
  return escapeText(text).replace(/\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g, (url) => `<a href="${url}">${url}</a>`);
}

export function textToHtml(text: string, removals: Removal[]): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const nonEmpty = lines.filter((line) => line.trim() !== '');
  const blankLines = lines.some((line) => line.trim() === '');
  const wrapped = nonEmpty.length > 0 && blankLines && nonEmpty.every((line) => line.length <= 80);
  const out: string[] = [];
  let list = null as { tag: 'ul' | 'ol'; items: string[] } | null;
  let paragraph: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length > 0) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list !== null) out.push(`<${list.tag}>${list.items.map((item) => `<li>${inline(item)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  const flush = () => {
    flushParagraph();
    flushList();
  };
  let separator = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    let line = raw.trim();
    if (/^[|¦｜\s]+$/.test(line) && line.includes('|')) {
      flush();
      removals.push({ kind: 'pipe-debris' });
      if (!separator) out.push('<hr>');
      separator = true;
      continue;
    }
    if (/\s\|$/.test(line)) {
      removals.push({ kind: 'pipe-debris' });
      line = line.replace(/\s*\|$/, '');
    }
    if (line === '') {
      flushParagraph();
      if (!wrapped) flushList();
      continue;
    }
    separator = false;
    if (/^(?:[-=_*]\s*){3,}$/.test(line)) {
      flush();
      out.push('<hr>');
      continue;
    }
    const heading = /^(#{1,6})\s+(.+?)\s*#*$/.exec(line);
    if (heading !== null) {
      flush();
      out.push(`<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>`);
      continue;
    }
    // "-" alone, then the item on the next line (a flattened list).
    if (/^[-•·]$/.test(line) && (lines[i + 1] ?? '').trim() !== '') {
      flushParagraph();
      if (list?.tag !== 'ul') {
        flushList();
        list = { tag: 'ul', items: [] };
      }
      list.items.push(lines[++i]!.trim().replace(/\s*\|$/, ''));
      continue;
    }
    const item = /^(?:(\d{1,2})[.)]|[-•·*])\s+(.+)$/.exec(line);
    if (item !== null) {
      flushParagraph();
      const tag = item[1] === undefined ? 'ul' : 'ol';
      if (list?.tag !== tag) {
        flushList();
        list = { tag, items: [] };
      }
      list.items.push(item[2]!);
      continue;
    }
    flushList();
    const alone = (lines[i - 1] ?? '').trim() === '' && (lines[i + 1] ?? '').trim() === '';
    if (blankLines && alone && paragraph.length === 0 && line.length <= 50 && !/[.!?。:;,…)]$/.test(line) && !/^https?:/.test(line)) {
      out.push(`<h2>${inline(line)}</h2>`);
    } else if (wrapped) paragraph.push(line);
    else out.push(`<p>${inline(line)}</p>`);
  }
  flush();
  return out.join('\n');
}
