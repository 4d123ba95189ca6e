import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/, and what each may import. Requests flow one way: index.ts → router →
 * routes → services → storage and render; http is the routes' toolkit; domain is the vocabulary
 * every layer shares and imports nothing. A new file is judged by the folder it is in.
 */
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: ['domain'],
  storage: ['domain', 'storage'],
  render: ['domain', 'render'],
  http: ['domain', 'http'],
  // Services refuse with problems (http/problem: a status and a problem type), the one HTTP
  // notion they hold; nothing else of http.
  services: ['domain', 'storage', 'render', 'services', 'config', 'http/problem', 'ingest'],
  // Reading what comes in (a sent newsletter: MIME, its HTML, its structure), pure like render.
  ingest: ['domain', 'ingest'],
  routes: ['domain', 'http', 'render', 'services', 'routes', 'config'],
  router: ['routes', 'http', 'render', 'config', 'domain'],
  config: ['domain', 'storage', 'services/isolate-state'],
  // Durable Object classes: entry points of their own, over their own storage.
  objects: ['domain', 'storage'],
  index: ['config', 'domain', 'http', 'router', 'services', 'objects'],
};

/** The layer of a file under src/: its folder, or the file's own name at the top. */
const layerOf = (file: string) => (file.includes(sep) ? file.split(sep)[0]! : file.replace(/\.ts$/, ''));

async function sourceFiles(): Promise<string[]> {
  const entries = await readdir('src', { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative('src', join(e.parentPath, e.name)));
}

/** Every relative import of a file (values and types alike), as a path under src/ without extension. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(join('src', file), 'utf8');
  const statics = [...text.matchAll(/^\s*(?:import|export)\b[^'";]*?'(\.[^']+)'/gm)].map((m) => m[1]!);
  const dynamics = [...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1]!);
  const specifiers = [...statics, ...dynamics];
  return specifiers.map((spec) => normalize(join(dirname(file), spec)));
}

const allows = (allowed: readonly string[], target: string) =>
  allowed.some((entry) => target === entry || target.startsWith(`${entry}${sep}`) || layerOf(`${target}.ts`) === entry);

describe('the layers of src/', () => {
  it('every file is in a known layer', async () => {
    const unknown = (await sourceFiles()).filter((file) => !(layerOf(file) in MAY_IMPORT));
    expect(unknown).toEqual([]);
  });

  it('no import runs against the layer order', async () => {
    const wrong: string[] = [];
    for (const file of await sourceFiles()) {
      const allowed = MAY_IMPORT[layerOf(file)] ?? [];
      for (const target of await importsOf(file)) {
        if (!allows(allowed, target)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('catches an import that runs the wrong way (the check itself)', () => {
    expect(allows(MAY_IMPORT.storage!, normalize('services/issues'))).toBe(false);
    expect(allows(MAY_IMPORT.services!, normalize('http/respond'))).toBe(false);
    expect(allows(MAY_IMPORT.services!, normalize('http/problem'))).toBe(true);
    expect(allows(MAY_IMPORT.render!, normalize('config'))).toBe(false);
  });
});
