import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { siteFrom } from '../../src/config';
import { openApiDocument, openApiPath } from '../../src/render/openapi/document';
import { ROUTES } from '../../src/router';

const site = siteFrom({
  SITE_NAME: '엔레터',
  SITE_URL: 'https://news.example',
  SITE_LANGUAGE: 'ko',
  SITE_TIME_ZONE: 'Asia/Seoul',
  FEED_ID_BASE: 'tag:news.example,2026:',
  WEBSUB_HUB: '',
  PARTNER_ORIGINS: '',
  IMAGE_TRANSFORMS: 'off',
});
const document = openApiDocument(site, ROUTES);

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    // The validator does reject a broken document.
    expect((await new Validator().validate({ openapi: '3.1.0', paths: { '/x': { get: { responses: 'none' } } } })).valid).toBe(false);
  });

  const routed = new Set(ROUTES.map(({ method, path }) => `${method} ${openApiPath(path)}`));
  const documented = new Set(
    Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)),
  );

  it('documents every route in the router', () => {
    expect([...routed].filter((key) => !documented.has(key))).toEqual([]);
  });

  it('documents no path the router does not serve', () => {
    expect([...documented].filter((key) => !routed.has(key))).toEqual([]);
  });

  it('describes request bodies from the same schemas that validate them', () => {
    const create = document.paths['/api/v1/admin/issues']!.post as {
      requestBody: {
        content: Record<string, { schema: { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> } }>;
      };
    };
    const schema = create.requestBody.content['application/json']!.schema;
    expect(schema.required).toEqual(['title', 'body']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toContain('teasers');
  });

  it('describes every error as problem+json', () => {
    const get = document.paths['/api/v1/issues/{slug}']!.get as {
      responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
    };
    expect(get.responses['404']!.content['application/problem+json']!.schema.$ref).toBe('#/components/schemas/Problem');
  });
});
