import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** wrangler's own entry point, run with this Node so the version check sees the project's Node 22. */
export const WRANGLER_BIN = fileURLToPath(new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url));

/** An environment that keeps local runs offline and quiet. */
export const OFFLINE_ENV = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
};

/**
 * Runs `wrangler ...args`. Its own output goes to our stderr (so stdout stays clean for what the
 * command prints), unless `capture` asks for its stdout back.
 */
export function wrangler(args: string[], options: { capture?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_BIN, ...args], {
      env: OFFLINE_ENV,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.capture) stdout += chunk.toString();
      else process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`wrangler ${args.join(' ')} exited with code ${code}`));
    });
  });
}

/** Which D1 a command works on: the deployed one, or a local one (in `persistTo`, if given). */
export type D1Target = '--remote' | '--local' | { persistTo: string };

/** The target that `--remote` or `--persist-to DIR` names (the local database by default); null for both. */
export function d1TargetOf(flags: { remote?: boolean; 'persist-to'?: string }): D1Target | null {
  const persistTo = flags['persist-to'];
  if (flags.remote) return persistTo === undefined ? '--remote' : null;
  return persistTo === undefined ? '--local' : { persistTo };
}

/** wrangler's flags for a target. */
export function targetFlags(target: D1Target): string[] {
  return typeof target === 'string' ? [target] : ['--local', '--persist-to', target.persistTo];
}

/** Applies the D1 migrations to the target database; already-applied ones are skipped. */
export async function applyMigrations(target: D1Target): Promise<void> {
  process.stderr.write(`Applying D1 migrations (${target === '--remote' ? 'remote' : 'local'})...\n`);
  await wrangler(['d1', 'migrations', 'apply', 'DB', ...targetFlags(target)]);
}

/** Runs SQL against the target D1 through `wrangler d1 execute` and returns the rows. */
export function d1Runner(target: D1Target) {
  return async (sql: string): Promise<Record<string, string | number | null>[]> => {
    const output = await wrangler(['d1', 'execute', 'DB', ...targetFlags(target), '--json', '--command', sql], { capture: true });
    const results = JSON.parse(output) as { results: Record<string, string | number | null>[] }[];
    return results.flatMap((r) => r.results);
  };
}

/** The R2 bucket that holds uploaded media, as wrangler.toml names it for the MEDIA binding. */
export async function mediaBucketName(): Promise<string> {
  const toml = await readFile(fileURLToPath(new URL('../../wrangler.toml', import.meta.url)), 'utf8');
  const match = /\[\[r2_buckets\]\]\s*\nbinding\s*=\s*"MEDIA"\s*\nbucket_name\s*=\s*"([^"]+)"/.exec(toml);
  if (match === null) throw new Error('wrangler.toml has no [[r2_buckets]] entry with binding = "MEDIA" followed by its bucket_name');
  return match[1]!;
}

/** Copies one R2 object of the media bucket to a file (`wrangler r2 object get`). */
export async function r2Get(target: D1Target, key: string, file: string): Promise<void> {
  await wrangler(['r2', 'object', 'get', `${await mediaBucketName()}/${key}`, '--file', file, ...targetFlags(target)], { capture: true });
}

/** Stores a file as one R2 object of the media bucket, with its Content-Type (`wrangler r2 object put`). */
export async function r2Put(target: D1Target, key: string, file: string, contentType: string): Promise<void> {
  await wrangler(
    ['r2', 'object', 'put', `${await mediaBucketName()}/${key}`, '--file', file, '--content-type', contentType, ...targetFlags(target)],
    { capture: true },
  );
}
