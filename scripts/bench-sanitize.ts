// `npm run bench:sanitize [-- --quick] [-- --samples N] [-- --only WORD]`: times what saving a body
// runs (markdown-it with its bounds, then the sanitizer) on the worst bodies we know, at lengths up
// to the longest body allowed, in Node. Writes its own section of BENCHMARKS.md.
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { parseFrontMatter } from '../src/domain/front-matter';
import { BODY_MAX_LENGTH } from '../src/domain/issue';
import { MARKUP_LIMITS, MarkupLimitError } from '../src/render/markup-limits';
import { writeSection } from './lib/benchmarks-file';
import { SHAPES, type Shape } from './lib/sanitize-shapes';

const loadStarted = performance.now();
const { renderMarkdown } = await import('../src/render/markdown');
const loadMs = performance.now() - loadStarted;

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, samples: { type: 'string', default: '7' }, only: { type: 'string' } },
});
const QUICK = values.quick;
const SAMPLES = Number(values.samples);
const LENGTHS = [12_500, 25_000, 50_000, 100_000, 200_000].filter((n) => n <= BODY_MAX_LENGTH && (!QUICK || n <= 50_000));
const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

interface Run {
  ms: number;
  outcome: string;
}

function run(source: string): Run {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = `rendered: ${renderMarkdown(source).length.toLocaleString('en-US')} chars of HTML`;
  } catch (error) {
    if (!(error instanceof MarkupLimitError)) throw error;
    outcome = `refused: ${error.limit}`;
  }
  return { ms: performance.now() - started, outcome };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Measured {
  shape: Shape;
  warm: number[];
  fastest: number[];
  first: number;
  worst: number;
  outcome: string;
  exponent: number;
}

/** k in time ∝ length^k, least squares on log-log: 1 is linear, 2 quadratic. */
function exponent(lengths: number[], ms: number[]): number {
  const xs = lengths.map(Math.log);
  const ys = ms.map((t) => Math.log(Math.max(t, 0.01)));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  const cov = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i]! - my), 0);
  return cov / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
}

/** At each length: the first call, one untimed call, then SAMPLES timed calls. */
function measure(shape: Shape): Measured {
  const warm: number[] = [];
  const fastest: number[] = [];
  let first = 0;
  let worst = 0;
  let outcome = '';
  for (const length of LENGTHS) {
    const source = shape.make(length).slice(0, length);
    ({ ms: first, outcome } = run(source));
    run(source);
    const samples = Array.from({ length: SAMPLES }, () => run(source).ms);
    warm.push(median(samples));
    fastest.push(Math.min(...samples));
    worst = Math.max(...samples);
  }
  return { shape, warm, fastest, first, worst, outcome, exponent: exponent(LENGTHS, fastest) };
}

/** Under 5 ms at the longest length, timer and GC noise outweigh any trend; k under 0.5 is a cap at work. */
function verdict(m: Measured): string {
  if (m.fastest.at(-1)! < 5) return 'bounded (< 5 ms)';
  if (m.exponent < 0.5) return 'bounded (capped)';
  return m.exponent <= 1.3 ? 'linear' : m.exponent <= 1.5 ? 'near linear' : '**superlinear**';
}

const seed = parseFrontMatter(await readFile('seed/001-openai-google-cloud.md', 'utf8'));
const seedBody = seed.ok ? String(seed.fields.body ?? '') : '';
const coldFirst = run(seedBody).ms;
const loadBefore = loadavg()[0]!;
const started = performance.now();
const realIssue: Shape = {
  name: 'the seed issue, again and again (a real newsletter)',
  make: (n) => `${seedBody}\n\n`.repeat(Math.ceil(n / (seedBody.length + 2))),
};
const shapes = [realIssue, ...SHAPES].filter((s) => values.only === undefined || s.name.includes(values.only));
if (shapes.length === 0) {
  log(`no body shape's name contains "${values.only}"`);
  process.exit(2);
}
const results: Measured[] = [];
for (const shape of shapes) {
  const m = measure(shape);
  results.push(m);
  log(`${shape.name}: ${m.warm.map(round).join(' / ')} ms, ${m.outcome}, k = ${m.exponent.toFixed(2)}`);
}
const totalS = (performance.now() - started) / 1000;

const header = LENGTHS.map((n) => `${n / 1000}k`);
const lines = [
  '## Rendering a body on save (`npm run bench:sanitize`)',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} **in Node ${process.version} (tsx), not workerd**, on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; load average ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after (${Math.round(totalS)} s).`,
  `What is timed is \`renderMarkdown\`: markdown-it with its bounds, then the sanitizer, as a create or edit runs it. Each body is cut to the length in the column; ${BODY_MAX_LENGTH.toLocaleString('en-US')} characters is the longest body allowed.`,
  `**Warm**: median of n = ${SAMPLES} calls after one untimed call, in ms. **First**: the first call with that body at ${header.at(-1)}, in a process where the code is already compiled by the shapes before it. **Cold process**: loading the renderer took ${round(loadMs)} ms (tsx compiles the TypeScript as it loads, so a Worker's start is shorter) and its first call (the seed issue's body) ${round(coldFirst)} ms.`,
  `**k** fits time ∝ length^k over all ${LENGTHS.length} lengths (least squares on log-log) to the fastest of the n calls, which the machine's other work disturbs least: 1 is linear, 2 quadratic. Limits in force: ${Object.entries(
    MARKUP_LIMITS,
  )
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ')}.`,
  '',
  `| body | ${header.map((h) => `warm ${h}`).join(' | ')} | first ${header.at(-1)} | fastest ${header.at(-1)} | worst ${header.at(-1)} | k | at ${header.at(-1)} | verdict |`,
  `| --- | ${header.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | --- | --- |`,
  ...results.map(
    (m) =>
      `| ${m.shape.name} | ${m.warm.map(round).join(' | ')} | ${round(m.first)} | ${round(m.fastest.at(-1)!)} | ${round(m.worst)} | ${m.exponent.toFixed(2)} | ${m.outcome} | ${verdict(m)} |`,
  ),
  '',
];
const slowest = results.reduce((a, b) => (b.warm.at(-1)! > a.warm.at(-1)! ? b : a));
lines.push(`Slowest at ${header.at(-1)}: ${round(slowest.warm.at(-1)!)} ms warm (${slowest.shape.name}).`);
log(lines.at(-1)!);
if (QUICK || values.only !== undefined) log('--quick or --only: BENCHMARKS.md left as it is');
else {
  await writeSection('bench:sanitize', lines.join('\n'));
  log('wrote its section of BENCHMARKS.md');
}
