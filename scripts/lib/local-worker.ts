import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readD1Migrations } from '@cloudflare/vitest-plugin';
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptions } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import type { Role } from '../../src/domain/status';
import { generateToken, hashToken } from '../../src/domain/token';
import { wrangler } from './wrangler';

export interface LocalWorker {
  url: string;
  mf: Miniflare;
  /** Mints a token straight into the worker's D1. */
  token(role: Role): Promise<string>;
  dispose(): Promise<void>;
}

/** Builds the Worker as `wrangler deploy` would; returns the directory holding index.js. */
export async function buildWorker(log: (line: string) => void = (line) => console.error(line), extraArgs: string[] = []): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), 'masthead-build-'));
  log(`building the Worker (wrangler deploy --dry-run${extraArgs.length > 0 ? ` ${extraArgs.join(' ')}` : ''})...`);
  await wrangler(['deploy', '--dry-run', '--outdir', outdir, ...extraArgs]);
  return outdir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * Builds the Worker as `wrangler deploy` would and runs that bundle on workerd through
 * Miniflare's API (not `wrangler dev` and its proxy chain), with local D1 and KV, migrated.
 * Used by the interop tests and the benchmark.
 */
export async function startLocalWorker(
  options: {
    bindings?: Record<string, string>;
    log?: (line: string) => void;
    /** A bundle from buildWorker(), to skip building. */
    bundle?: string;
    /**
     * Serve public/ as wrangler.toml says (default): the Worker first, with its ASSETS binding, behind
     * Miniflare's asset router. The benchmark and the load test turn it off: that router costs most
     * of the throughput even of a hello-world Worker, which Cloudflare's edge does not. Without it
     * the ASSETS binding holds no files (every path is a 404), so such runs must not ask for any.
     */
    assets?: boolean;
    /** Keep the bindings' state in this directory, across restarts (a temporary one by default). */
    persist?: string;
    /** Apply the migrations (default); off for a restart over a database that has them. */
    migrate?: boolean;
    /** Listen on this port (a restart keeps its URL); a free one by default. */
    port?: number;
  } = {},
): Promise<LocalWorker> {
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  const log = options.log ?? ((line: string) => console.error(line));
  const outdir = options.bundle ?? (await buildWorker(log));
  const { workerOptions } = unstable_getMiniflareWorkerOptions('wrangler.toml');
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  // Miniflare 5 takes a new options shape; the v4 one (its README's) converts to it.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath: join(outdir, 'index.js'),
      modulesRoot: outdir,
      // Static files (the /docs renderer), routed as wrangler.toml's [assets] says, as on Cloudflare.
      ...(options.assets === false
        ? { serviceBindings: { ASSETS: () => new Response(null, { status: 404 }) } }
        : { assets: workerOptions.assets as V4WorkerOptions['assets'] }),
      compatibilityDate: workerOptions.compatibilityDate as string,
      // A local-only feedback secret: the Worker refuses feedback without one and has no stand-in.
      bindings: {
        ...(workerOptions.bindings as Record<string, unknown>),
        SITE_URL: url,
        FEEDBACK_HASH_SECRET: 'local-only-feedback-hash-secret',
        ...options.bindings,
      },
      d1Databases: ['DB'],
      kvNamespaces: ['CACHE'],
      // The partners' usage counters (wrangler.toml's [[durable_objects.bindings]]), SQLite-backed.
      durableObjects: { USAGE: { className: 'UsageCounter', useSQLite: true } },
      r2Buckets: ['MEDIA'],
      // Webhook deliveries and their dead-letter queue, produced and consumed by this Worker.
      queueProducers: workerOptions.queueProducers as V4WorkerOptions['queueProducers'],
      queueConsumers: workerOptions.queueConsumers as V4WorkerOptions['queueConsumers'],
      ratelimits: workerOptions.ratelimits as Record<string, { namespace_id: string; simple: { limit: number; period?: 10 | 60 } }>,
      // Bindings' state (D1, KV, the Cache API) lives in SQLite files on disk: in a temporary
      // directory removed on dispose, or in `persist`, kept across restarts.
      ...(options.persist === undefined ? {} : { resourcePersistencePath: options.persist }),
      host: '127.0.0.1',
      port,
    }),
  );
  await mf.ready;
  const db = await mf.getD1Database('DB');
  if (options.migrate !== false) {
    for (const migration of await readD1Migrations('migrations')) {
      for (const query of migration.queries) await db.prepare(query).run();
    }
  }
  log(`the Worker runs on workerd at ${url}`);
  return {
    url,
    mf,
    async token(role) {
      const { id, token } = generateToken();
      await db
        .prepare('INSERT INTO tokens (id, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)')
        .bind(id, `local-${role}`, role, await hashToken(token), new Date().toISOString())
        .run();
      return token;
    },
    dispose: () => mf.dispose(),
  };
}
