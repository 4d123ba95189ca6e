import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, expect } from 'vitest';

// Setup files run before each test file, outside its isolated storage; applying is idempotent.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// No test reaches the internet: the stand-ins answer every outside host (tests/support/outbound.ts),
// and a request to a host none stands in for fails the test that made it.
afterEach(async () => {
  if (env.TEST_OUTBOUND_GUARD !== 'on') return;
  const unexpected = (await (await fetch('http://outbound-guard.test/unexpected')).json()) as string[];
  expect(unexpected, 'requests to hosts no stand-in answers (tests/support/outbound.ts)').toEqual([]);
});
