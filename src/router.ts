import { type IRequest, Router } from 'itty-router';
import type { App } from './config';
import { HttpError } from './http/problem';
import * as admin from './routes/admin-issues';
import * as apiDocs from './routes/docs';
import * as embeds from './routes/embeds';
import * as feedback from './routes/feedback';
import * as feeds from './routes/feeds';
import * as pages from './routes/pages';
import { describeProblem } from './routes/problems';
import * as publicApi from './routes/public-api';
import { staticFile } from './routes/static-files';

export type Handler = (request: IRequest, app: App, ctx: ExecutionContext) => Promise<Response>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Every route Masthead serves: the table the router and its 405 answers read. The API document
 * lists the same operations (src/render/openapi/operations.ts); tests/node/openapi.test.ts checks
 * the two against each other both ways.
 */
export const ROUTES: readonly [Method, string, Handler][] = [
  ['GET', '/', pages.home],
  ['GET', '/tags/:tag', pages.tagArchive],
  ['GET', '/issues/:slug', pages.issuePage],
  ['GET', '/embed/:slug', embeds.embed],
  ['GET', '/embed.js', embeds.partnerScript],
  ['GET', '/oembed', embeds.oembed],

  ['GET', '/feed.xml', feeds.rss],
  ['GET', '/atom.xml', feeds.atom],
  ['GET', '/feed.json', feeds.jsonFeed],
  ['GET', '/tags/:tag/feed.xml', feeds.tagRss],
  ['GET', '/tags/:tag/atom.xml', feeds.tagAtom],
  ['GET', '/tags/:tag/feed.json', feeds.tagJsonFeed],

  ['GET', '/api/v1/issues', publicApi.listIssues],
  ['GET', '/api/v1/issues/:slug', publicApi.readIssue],
  ['GET', '/api/v1/tags', publicApi.listTags],
  ['POST', '/api/v1/issues/:slug/feedback', feedback.submit],

  ['POST', '/api/v1/admin/issues', admin.create],
  ['GET', '/api/v1/admin/issues', admin.list],
  ['GET', '/api/v1/admin/issues/:id', admin.read],
  ['PUT', '/api/v1/admin/issues/:id', admin.replace],
  ['PATCH', '/api/v1/admin/issues/:id', admin.patch],
  ['DELETE', '/api/v1/admin/issues/:id', admin.archive],
  ['POST', '/api/v1/admin/issues/:id/publish', admin.publish],
  ['POST', '/api/v1/admin/issues/:id/unpublish', admin.unpublish],
  ['GET', '/api/v1/admin/issues/:id/revisions', admin.revisions],
  ['POST', '/api/v1/admin/issues/:id/revisions/:n/restore', admin.restore],
  ['GET', '/api/v1/admin/feedback', feedback.report],

  ['GET', '/api/v1/openapi.json', apiDocs.openApi],
  ['GET', '/docs', apiDocs.docs],
  ['GET', '/problems/:name', describeProblem],
];

/** The methods a path answers, for `Allow`: HEAD wherever GET is. */
function allowed(path: string): string {
  const methods = ROUTES.filter(([, p]) => p === path).map(([m]) => m);
  return (methods.includes('GET') ? [...methods, 'HEAD'] : methods).join(', ');
}

export function buildRouter() {
  const router = Router<IRequest, [App, ExecutionContext]>();
  for (const [method, path, handler] of ROUTES) router[method.toLowerCase() as 'get'](path, handler);
  for (const path of new Set(ROUTES.map(([, p]) => p))) {
    router.all(path, () => {
      throw new HttpError(405, { name: 'method-not-allowed', detail: `${path} answers ${allowed(path)}.` }, { Allow: allowed(path) });
    });
  }
  // Anything else a GET asks for may be a file in public/.
  router.get('*', staticFile);
  router.all('*', () => {
    throw new HttpError(404, { name: 'not-found', detail: 'Nothing is served at this address.' });
  });
  return router;
}
