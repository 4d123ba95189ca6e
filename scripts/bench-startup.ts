// `npm run bench:startup`: the deployed bundle's size and its startup CPU time, as `wrangler check
// startup` profiles it on local workerd (the phase Cloudflare limits at deploy: evaluating the
// bundle and its top-level code), n runs, median and max. CI prints it, so BENCHMARKS.md's figures
// can be checked against every run. A local CPU, not Cloudflare's.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { wrangler } from './lib/wrangler';

const runs = Number(process.argv[2] ?? 5);
const folder = await mkdtemp(join(tmpdir(), 'masthead-startup-'));
await wrangler(['deploy', '--dry-run', '--outdir', folder], { capture: true });
const bundle = await readFile(join(folder, 'index.js'));
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const raw = (await stat(join(folder, 'index.js'))).size;

const active: number[] = [];
for (let i = 0; i < runs; i++) {
  const output = await wrangler(['check', 'startup'], { capture: true });
  const match = /Active:\s*([\d.]+)\s*ms/.exec(output);
  if (match === null) throw new Error(`wrangler check startup printed no "Active:" line:\n${output}`);
  active.push(Number(match[1]));
}
await rm('worker-startup.cpuprofile', { force: true });
await rm(folder, { recursive: true, force: true });
active.sort((a, b) => a - b);
const median = active[Math.floor(active.length / 2)]!;
console.log(
  `bundle (index.js as wrangler deploy --dry-run writes it): ${kib(raw)} KiB raw, ${kib(gzipSync(bundle).length)} KiB gzip (zlib default level)`,
);
console.log(
  `startup (wrangler check startup, CPU active, local workerd): median ${median} ms, max ${active.at(-1)} ms, n = ${runs} (${active.join(', ')})`,
);
