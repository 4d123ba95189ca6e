import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { withRouteTables } from '../../scripts/lib/api-doc';
import { openApiPath } from '../../src/render/openapi/document';
import { ROUTES } from '../../src/router';

/**
 * docs/API.md is the public contract the project keeps in its own tree: every route the router
 * serves is named there (as `METHOD /path`, query strings aside), and it names none it does not.
 */
describe('docs/API.md', async () => {
  const text = await readFile('docs/API.md', 'utf8');
  const named = new Set([...text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`?\s]*)/g)].map(([, method, path]) => `${method} ${path}`));

  it('names every route', () => {
    const missing = ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).filter((route) => !named.has(route));
    expect(missing).toEqual([]);
  });

  it('holds the route tables exactly as `npm run docs:api` writes them from the route table', () => {
    expect(text).toBe(withRouteTables(text, ROUTES));
  });

  it('names no route that is not served', () => {
    const served = new Set(ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`));
    expect([...named].filter((route) => !served.has(route))).toEqual([]);
  });
});
