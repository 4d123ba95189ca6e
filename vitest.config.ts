// Local runs never fetch Request.cf data from the network (these machines are offline).
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';

import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  const migrations = await readD1Migrations('migrations');
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        // A test-only binding: the setup file applies these to each test file's isolated D1.
        miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
      }),
    ],
    test: {
      include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
      setupFiles: ['tests/setup.ts'],
    },
  };
});
