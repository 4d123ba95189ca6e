import { spawn } from 'node:child_process';
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

/** Where a command acts: the remote resource, or the local state (in .wrangler/state unless a directory is named). */
export type Where = '--remote' | '--local' | { persistTo: string };

/** The flags that say `where` to wrangler. */
export function whereArgs(where: Where): string[] {
  return typeof where === 'string' ? [where] : ['--local', '--persist-to', where.persistTo];
}

/** Applies the D1 migrations to the local (or remote) database; already-applied ones are skipped. */
export async function applyMigrations(where: Where): Promise<void> {
  process.stderr.write(`Applying D1 migrations (${typeof where === 'string' ? where.slice(2) : where.persistTo})...\n`);
  await wrangler(['d1', 'migrations', 'apply', 'DB', ...whereArgs(where)]);
}

/** Runs SQL against the local (or remote) D1 through `wrangler d1 execute` and returns the rows. */
export function d1Runner(where: Where) {
  return async (sql: string): Promise<Record<string, string | number | null>[]> => {
    const output = await wrangler(['d1', 'execute', 'DB', ...whereArgs(where), '--json', '--command', sql], { capture: true });
    const results = JSON.parse(output) as { results: Record<string, string | number | null>[] }[];
    return results.flatMap((r) => r.results);
  };
}
