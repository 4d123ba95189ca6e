import { type JsonSchema, toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ProblemSchema } from '../../domain/responses';
import type { Site } from '../../domain/site';
import type { Body, Operation } from './operation';

/** Valibot to JSON Schema 2020-12 (OpenAPI 3.1's dialect), as the client sends it (`input`). */
function schemaOf(schema: v.GenericSchema, typeMode: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { target: 'draft-2020-12', typeMode, errorMode: 'ignore' });
  return rest;
}

function contentOf(content: Record<string, Body>, typeMode: 'input' | 'output') {
  return Object.fromEntries(
    Object.entries(content).map(([type, body]) => [
      type,
      { schema: 'text' in body ? { type: 'string', description: body.text } : schemaOf(body, typeMode) },
    ]),
  );
}

const PATH_PARAMS: Record<string, string> = {
  slug: "The issue's URL slug (percent-encoded; Korean slugs are readable once decoded).",
  id: "The issue's stable id (a UUID); it never changes.",
  tag: 'A tag, in any letter case.',
  n: 'A revision number, from 1.',
  name: 'A problem type name.',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid input: `errors` lists each bad field.',
  401: 'No or bad token (with `WWW-Authenticate: Bearer`).',
  403: "The token's role is too low.",
  404: 'Unknown.',
  409: 'Conflict: slug or number taken, or not possible from the current status.',
  410: 'Gone: the file was taken down.',
  416: 'The range is outside the file.',
  412: 'If-Match is stale.',
  413: 'Body larger than 1 MiB.',
  415: 'Unsupported media type.',
  428: 'If-Match is required.',
  429: 'Too many requests (see `Retry-After`).',
  501: 'Not implemented.',
};

function operationObject(method: string, path: string, op: Operation) {
  const parameters: object[] = [];
  for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
    parameters.push({ name, in: 'path', required: true, description: PATH_PARAMS[name ?? ''], schema: { type: 'string' } });
  }
  if (op.query !== undefined) {
    const query = schemaOf(op.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  for (const header of op.headers ?? []) {
    parameters.push({
      name: header.name,
      in: 'header',
      required: header.required,
      description: header.description,
      schema: { type: 'string' },
    });
  }
  const errors = new Set(op.errors);
  if (op.query !== undefined || op.body !== undefined) errors.add(400);
  const responses: Record<string, object> = {};
  for (const [status, response] of Object.entries(op.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.content ? { content: contentOf(response.content, 'output') } : {}),
    };
  }
  for (const status of [...errors].sort()) {
    responses[String(status)] = {
      description: STATUS_TEXT[status] ?? 'Error',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    operationId: `${method.toLowerCase()}${path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: op.summary,
    ...(op.description === undefined ? {} : { description: op.description }),
    tags: [op.tag],
    ...(op.role === undefined ? {} : { security: [{ bearer: [] }], 'x-required-role': op.role }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(op.upload === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            description: op.upload.description,
            content: {
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
              'multipart/form-data': {
                schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
              },
            },
          },
        }),
    ...(op.body === undefined
      ? {}
      : {
          requestBody: {
            required: op.bodyRequired ?? false,
            content: Object.fromEntries(
              Object.entries(op.body).map(([type, schema]) => [
                type,
                type === 'text/markdown'
                  ? {
                      schema: {
                        type: 'string',
                        description:
                          'YAML front matter holding the same fields as the JSON body (title required, body excluded), then the Markdown body.',
                      },
                    }
                  : { schema: schemaOf(schema, 'input') },
              ]),
            ),
          },
        }),
    responses,
  };
}

/** A route as the document needs it (src/router.ts, ROUTES). */
export interface DocumentedRoute {
  method: string;
  /** itty-router's form: `/issues/:slug`. */
  path: string;
  doc: Operation;
}

/** A router path in OpenAPI's form: `/issues/:slug` is `/issues/{slug}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** The OpenAPI 3.1 document of the whole API, generated from the route table and the schemas that validate it. */
export function openApiDocument(site: Site, routes: readonly DocumentedRoute[]) {
  const paths: Record<string, Record<string, object>> = {};
  for (const { method, path: routerPath, doc } of routes) {
    const path = openApiPath(routerPath);
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = operationObject(method, path, doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `${site.name} · Masthead API`,
      version: '1.0.0',
      description:
        'Issues of a newsletter: reader JSON API, feeds, pages, embeds, oEmbed and the editor API. Every error is application/problem+json (RFC 9457).',
    },
    servers: [{ url: site.url }],
    tags: [
      { name: 'Readers' },
      { name: 'Feeds' },
      { name: 'Pages and embeds' },
      { name: 'Discovery', description: 'For crawlers and agents: the sitemap, robots.txt and llms.txt.' },
      { name: 'Feedback' },
      { name: 'Editors', description: 'Bearer token from `npm run token -- create`. Roles: contributor < editor < admin.' },
      { name: 'Partners', description: 'Partner sites that embed the widgets: who may frame them, and what each brings (admins).' },
      {
        name: 'Webhooks',
        description:
          'Signed POSTs (Standard Webhooks) to endpoints admins register, when issues are published, updated, unpublished, archived or scheduled, and when feedback arrives; through Cloudflare Queues, retried for 24 hours.',
      },
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An editor token: `mh_<id>_<secret>`.' } },
      schemas: { Problem: schemaOf(ProblemSchema, 'output') },
    },
  };
}
