import { readFile, writeFile } from 'node:fs/promises';

/**
 * BENCHMARKS.md is written by more than one script: `npm run bench` writes the file, and each other
 * bench script owns one section between its markers, which every script carries over untouched.
 */
const FILE = 'BENCHMARKS.md';
const start = (name: string) => `<!-- ${name}: start -->`;
const end = (name: string) => `<!-- ${name}: end -->`;
const SECTION = /<!-- ([\w:-]+): start -->[\s\S]*?<!-- \1: end -->\n/g;

async function current(): Promise<string> {
  return readFile(FILE, 'utf8').catch(() => '');
}

/** Every marked section of BENCHMARKS.md, as they stand. */
export async function markedSections(): Promise<string> {
  return [...(await current()).matchAll(SECTION)].map((match) => match[0]).join('');
}

/** Writes `text` as the section `name` of BENCHMARKS.md: in place of the old one, or at the end. */
export async function writeSection(name: string, text: string): Promise<void> {
  const section = `${start(name)}\n${text.trimEnd()}\n${end(name)}\n`;
  const before = await current();
  const at = before.indexOf(start(name));
  const stop = before.indexOf(end(name));
  const after =
    at !== -1 && stop > at
      ? before.slice(0, at) + section + before.slice(stop + end(name).length + 1)
      : `${before.trimEnd()}\n\n${section}`;
  await writeFile(FILE, after);
}
