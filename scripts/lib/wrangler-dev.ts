// `wrangler dev` processes for the edge stage and the benchmark. Each runs in its own process group, so stopping it
// stops the workerd it spawned too, and every way out of this process (a failed check, an
// exception, Ctrl-C) stops them all.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './local-worker';
import { OFFLINE_ENV, WRANGLER_BIN } from './wrangler';

export interface DevProcess {
  url: string;
  port: number;
  /** What it printed last, for a failure report. */
  log(): string;
  /** Stops the whole process group; resolves once no process of it is left and its ports are free. */
  stop(): Promise<void>;
}

/** The process groups still running, each with its way to stop gracefully. */
const running = new Map<number, () => Promise<void>>();

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nothing of the group is left
  }
}

// Interrupted: stop them as stop() does (wrangler then removes its bundles from .wrangler/tmp).
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    void Promise.allSettled([...running.values()].map((stop) => stop())).finally(() => process.exit(130));
  });
}
// Any other way out (an exception, process.exit) cannot wait: the groups are killed outright.
process.on('exit', () => {
  for (const pgid of running.keys()) signalGroup(pgid, 'SIGKILL');
});

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function until(condition: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) {
    if (await condition()) return true;
  }
  return condition();
}

/**
 * Starts `wrangler dev` over the local state in `persistTo` with `vars` (`--var NAME:value`), on
 * `port` or a free one (with another wrangler configuration if `options.config` names one), and waits until it answers. Readiness is asked of /embed.js, which reads
 * neither D1 nor a cache, so the first reader answers after a start are still the caller's.
 */
export async function startDev(
  persistTo: string,
  vars: Record<string, string>,
  port?: number,
  options: { config?: string } = {},
): Promise<DevProcess> {
  const listen = port ?? (await freePort());
  const inspector = await freePort();
  const url = `http://127.0.0.1:${listen}`;
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(listen), '--inspector-port', String(inspector), '--persist-to', persistTo];
  if (options.config !== undefined) args.push('--config', options.config);
  args.push('--show-interactive-dev-session=false', ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]));
  const child: ChildProcess = spawn(process.execPath, [WRANGLER_BIN, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: OFFLINE_ENV,
  });
  const pgid = child.pid!;
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });

  const stop = async () => {
    signalGroup(pgid, 'SIGTERM');
    if (!(await until(() => !signalGroup(pgid, 0), 5_000))) signalGroup(pgid, 'SIGKILL');
    const gone = await until(() => !signalGroup(pgid, 0), 5_000);
    running.delete(pgid);
    const free = await until(async () => (await portIsFree(listen)) && portIsFree(inspector), 5_000);
    if (!gone || !free)
      throw new Error(`wrangler dev on ${url} left ${gone ? `port ${listen} or ${inspector} bound` : 'processes behind'}`);
  };
  running.set(pgid, stop);
  const answers = async () => (await fetch(`${url}/embed.js`).catch(() => null))?.ok === true;
  if (!(await until(async () => exited || answers(), 60_000)) || exited) {
    await stop().catch(() => {});
    throw new Error(`wrangler dev ${args.join(' ')} did not start:\n${output}`);
  }
  return { url, port: listen, log: () => output, stop };
}
