import type { IRequest } from 'itty-router';
import type { RequestContext } from '../config';
import type { Representation } from '../domain/representation';
import { staticResponse } from '../http/respond';
import { html } from '../render/html';
import { type DocumentedRoute, openApiDocument } from '../render/openapi/document';

/** `GET /api/v1/openapi.json`: built once per isolate from the route table and its schemas. */
export async function openApi(request: IRequest, context: RequestContext, routes: readonly DocumentedRoute[]): Promise<Response> {
  return staticResponse(request, `openapi ${context.site.url}`, () => ({
    body: JSON.stringify(openApiDocument(context.site, routes)),
    contentType: 'application/json; charset=utf-8',
    lastModified: null,
    policy: 'page',
  }));
}

/** `GET /docs`: the API reference, rendered by Swagger UI from files this site serves. */
export async function docs(request: IRequest, context: RequestContext): Promise<Response> {
  return staticResponse(request, `docs ${context.site.name}`, () => docsPage(context));
}

function docsPage(context: RequestContext): Representation {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${context.site.name} · API reference</title>
<link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/vendor/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`.value;
  return {
    body: page,
    contentType: 'text/html; charset=utf-8',
    lastModified: null,
    policy: 'page',
    headers: {
      // Swagger UI sets inline styles, so this one page allows them; scripts only from this site.
      'Content-Security-Policy':
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
    },
  };
}
