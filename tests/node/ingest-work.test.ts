/**
 * Nested layout tables cost work in proportion to their size: the DOM walks the import makes
 * (nodes visited by querySelectorAll / querySelector / textContent / closest) are counted, not timed.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { prepare, readNewsletter, writeBody } from '../../src/ingest/newsletter';

const LOREM = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. ';
function nested(levels: number): string {
  let html = '';
  for (let i = levels; i >= 1; i--)
    html = `<table width="100%"><tr><td style="font-size:15px"><p>Section ${i}. ${LOREM.repeat(8)}<a href="https://example.com/s${i}?utm_source=x">Story ${i}</a></p>${html}<span>Note ${i} <a href="https://example.com/m${i}">more</a></span></td></tr></table>`;
  return `<h1>Nested</h1>${html}`;
}

/**
 * Counts the nodes each DOM walk visits while `run` runs: linkedom's querySelectorAll,
 * querySelector, closest and textContent are wrapped on their prototypes for the duration.
 */
// biome-ignore-start lint/suspicious/noExplicitAny: linkedom's prototypes are untyped here
function countWalks(run: () => void): number {
  const element = (parseHTML('<html><body><div></div></body></html>') as any).document.body.firstChild;
  const owner = (name: string) => {
    let proto = element;
    while (!Object.hasOwn(proto, name)) proto = Object.getPrototypeOf(proto);
    return proto;
  };
  let visited = 0;
  const restore: (() => void)[] = [];
  const all = owner('querySelectorAll').querySelectorAll as (this: any, s: string) => any[];
  for (const name of ['querySelectorAll', 'querySelector', 'closest'] as const) {
    const proto = owner(name);
    const original = proto[name];
    proto[name] = function (this: any, selector: string) {
      const result = original.call(this, selector);
      if (name === 'querySelectorAll') visited += all.call(this, '*').length;
      else if (name === 'querySelector')
        visited += result === null ? all.call(this, '*').length : [...all.call(this, '*')].indexOf(result) + 1;
      else for (let up = this; up !== null && up !== result; up = up.parentElement) visited++;
      return result;
    };
    restore.push(() => {
      proto[name] = original;
    });
  }
  const proto = owner('textContent');
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'textContent')!;
  Object.defineProperty(proto, 'textContent', {
    ...descriptor,
    get(this: any) {
      visited += all.call(this, '*').length + 1;
      return descriptor.get!.call(this);
    },
  });
  restore.push(() => Object.defineProperty(proto, 'textContent', descriptor));
  try {
    run();
  } finally {
    for (const undo of restore) undo();
  }
  return visited;
}
// biome-ignore-end lint/suspicious/noExplicitAny: linkedom's prototypes are untyped here

const work = (levels: number) =>
  countWalks(() => {
    const prepared = prepare({ html: nested(levels) }, { stripCampaign: true });
    writeBody(prepared, readNewsletter(prepared, null));
  });

describe('nested layout tables', () => {
  it('cost work in proportion to their size, not to size × depth', () => {
    const small = work(20);
    const large = work(80); // 4× the markup, 240 levels deep (the limit is 256)
    expect(large / small).toBeLessThan(6); // linear: ~4; quadratic: ~16
  });
});
