import { applyD1Migrations, env } from 'cloudflare:test';

declare module 'cloudflare:test' {
  interface ProvidedEnv extends Env {
    TEST_MIGRATIONS: D1Migration[];
  }
}

// Setup files run before each test file, outside its isolated storage; applying is idempotent.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
