import { beforeAll, describe, expect, it } from 'vitest';
import { callModule, mintToken } from '../helpers';

/**
 * OUTBOUND_ALLOW_LOCAL lets the Worker's own requests (webhooks, an import's images and links)
 * reach this machine, for local development only: it does nothing while SITE_URL is not itself on
 * this machine, so a deployed site that carries it by mistake is no port scanner.
 */
let admin: string;
beforeAll(async () => {
  admin = await mintToken('admin');
});

const register = (bindings: Partial<Env>) =>
  callModule(
    '/api/v1/admin/webhooks',
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: ['issue.published'] }),
    },
    bindings,
  );

const importImage = (bindings: Partial<Env>) =>
  callModule(
    '/api/v1/admin/imports',
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/html' },
      body: '<h1>로컬</h1><p>본문입니다.</p><p><img src="http://127.0.0.1:9/x.png" alt="x"></p>',
    },
    bindings,
  );

describe('OUTBOUND_ALLOW_LOCAL', () => {
  it('lets a site on this machine send webhooks and imports here', async () => {
    expect((await register({ OUTBOUND_ALLOW_LOCAL: 'on' })).status).toBe(201);
    const answer = (await (await importImage({ OUTBOUND_ALLOW_LOCAL: 'on' })).json()) as { report: { warnings: { message: string }[] } };
    expect(JSON.stringify(answer.report.warnings)).toContain('could not be fetched as an image');
  });

  it.each(['https://news.example', 'https://127.0.0.1.nip.io'])('does nothing for a site at %s', async (site) => {
    const bindings = { OUTBOUND_ALLOW_LOCAL: 'on', SITE_URL: site };
    const refused = await register(bindings);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('must not be on this machine');
    const answer = (await (await importImage(bindings)).json()) as { report: { warnings: { message: string }[] } };
    expect(JSON.stringify(answer.report.warnings)).toContain('its address is not a public web address');
  });
});
