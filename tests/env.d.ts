declare namespace Cloudflare {
  // Types `exports` from cloudflare:workers as the Worker's own entry points.
  interface GlobalProps {
    mainModule: typeof import('../src/index');
  }
  // The test-only binding vitest.config.ts adds: the migrations the setup file applies.
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    // The files in public/ with their sizes, for the static files test.
    TEST_PUBLIC_FILES: { path: string; size: number }[];
    // An empty database for the backup round trip.
    RESTORE_DB: D1Database;
    // The stand-in webhook receiver (tests/support/webhook-receiver.ts).
    TEST_WEBHOOK_RECEIVER: string;
    TEST_OUTBOUND_GUARD: 'on' | 'off';
  }
}

// Vite's `?raw` imports: a file's text, used to upload the seed exactly as it is on disk.
declare module '*?raw' {
  const text: string;
  export default text;
}

// Vite's `?inline` imports: a file as a base64 data: URL, how the seed's images reach workerd.
declare module '*?inline' {
  const dataUrl: string;
  export default dataUrl;
}

// Vite's import.meta.glob: every fixture file of a folder (tests/fixtures/email), resolved at build time.
interface ImportMeta {
  glob<T>(pattern: string, options: { query?: string; import?: string; eager: true }): Record<string, T>;
}
