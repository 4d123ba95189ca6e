import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contextFrom, type RequestContext } from '../../src/config';
import { StorageUnavailable } from '../../src/domain/errors';
import { BOUND_MS } from '../../src/domain/freshness';
import { HttpError } from '../../src/http/problem';
import { buildRouter } from '../../src/router';
import { reconcileVersionHint } from '../../src/services/content-version';
import { type IsolateState, newIsolateState } from '../../src/services/isolate-state';
import { readContentVersion, readVersionHint } from '../../src/storage/content-version';
import { mintToken } from '../helpers';
import { KV_READ_CACHE_MS, KvWrites, locationD1, locationKv } from '../support/topology';

/**
 * A simulation that tries to break the consistency contract (README, "Caching and freshness"):
 * three locations, each with two isolates (their own IsolateState), its own Cache API (a named
 * cache), its own view of KV (reads cached 60 s; writes that land late, out of order or never) and
 * of D1 (replicas that lag; the location may lose D1 altogether). fast-check draws schedules of
 * publishes, title edits, unpublishes, archives, revision restores, settings changes, reads from
 * any isolate, time passing, outages, replica catch-ups, KV writes landing and cron runs, and the
 * clauses of the contract are checked after every step against the history of what D1 held.
 */

const LOCATIONS = 3;
const ISOLATES = 2;
/** One round trip to the primary may be added to the bound; the simulation's clock does not move during one. */
const FRESHNESS_BOUND_MS = BOUND_MS;
/** A KV write that is not lost lands within this time (in any order, by the "land" steps before it). */
const KV_WRITE_DELAY_MS = 3_000;
/** A wrong KV hint is set right by the next cron run (each minute), whose write lands within KV_WRITE_DELAY_MS. */
const HINT_HEAL_BOUND_MS = 60_000 + KV_WRITE_DELAY_MS;
/** A location cut off from D1 learns of a withdrawal through the hint: its heal, plus the location's KV read cache. */
const CUT_OFF_BOUND_MS = HINT_HEAL_BOUND_MS + KV_READ_CACHE_MS + FRESHNESS_BOUND_MS;

const router = buildRouter();
let token: string;
const worst = { wentBack: 0, staleness: 0, cutOffStaleness: 0, hintHeal: 0, reads: 0, served: 0, runs: 0, writes: 0, versions: 0 };

interface Version {
  generation: number;
  at: number;
  /** What /api/v1/issues lists at this version: "id title" lines, newest first. */
  listing: string;
}

interface World {
  writes: KvWrites;
  locations: {
    kv: ReturnType<typeof locationKv>;
    d1: ReturnType<typeof locationD1>;
    edge: Cache;
    isolates: IsolateState[];
    newestServed: number;
  }[];
  partners: string;
  history: Version[];
  published: string[];
  /** When the KV hint last stopped matching D1, or null when it matches. */
  hintWrongSince: number | null;
}

function envAt(world: World, location: number): Env {
  const here = world.locations[location]!;
  return { ...env, DB: here.d1.db, CACHE: here.kv.kv, PARTNER_ORIGINS: world.partners } as Env;
}

async function serve(
  world: World,
  location: number,
  isolate: number,
  request: Request,
  start: 'first-primary' | 'first-unconstrained',
): Promise<Response> {
  const here = world.locations[location]!;
  const ctx = createExecutionContext();
  const context: RequestContext = { ...contextFrom(envAt(world, location), ctx, start, here.edge), isolate: here.isolates[isolate]! };
  context.at = ((at) => ({
    ...contextFrom(envAt(world, location), ctx, at, here.edge),
    isolate: here.isolates[isolate]!,
  })) as RequestContext['at'];
  let response: Response;
  try {
    response = (await router.fetch(request, context, ctx)) as Response;
  } catch (error) {
    if (error instanceof HttpError) response = new Response(null, { status: error.status });
    else if (error instanceof StorageUnavailable) response = new Response(null, { status: 503 });
    else throw error;
  }
  await waitOnExecutionContext(ctx);
  return response;
}

const editorRequest = (path: string, method: string, body?: unknown, ifMatch?: string) =>
  new Request(`http://127.0.0.1:8787${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(ifMatch ? { 'If-Match': ifMatch } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Records what D1 holds now, after a write. */
async function record(world: World): Promise<void> {
  const { generation } = await readContentVersion(env.DB);
  if (world.history.at(-1)?.generation === generation) return;
  const { results } = await env.DB.prepare(
    "SELECT id, title FROM issues WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT 100",
  ).all<{ id: string; title: string }>();
  world.history.push({ generation, at: Date.now(), listing: results.map((r) => `${r.id} ${r.title}`).join('\n') });
  worst.versions++;
  world.published = results.map((r) => r.id);
}

async function checkHint(world: World): Promise<void> {
  const truth = await readContentVersion(env.DB);
  const hint = await readVersionHint(env.CACHE);
  const right = hint !== null && hint.generation === truth.generation && hint.epoch === truth.epoch;
  if (world.hintWrongSince !== null) {
    expect(Date.now() - world.hintWrongSince, 'the KV hint stayed wrong past the heal bound').toBeLessThanOrEqual(HINT_HEAL_BOUND_MS);
  }
  if (right && world.hintWrongSince !== null) {
    worst.hintHeal = Math.max(worst.hintHeal, Date.now() - world.hintWrongSince);
    world.hintWrongSince = null;
  } else if (!right && world.hintWrongSince === null) {
    world.hintWrongSince = Date.now();
  }
}

type Step = (world: World) => Promise<void>;
const pick = <T>(items: T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

/** An editor's write from any isolate of any location; it counts only if D1 took it. */
function write(
  path: (world: World, n: number) => [string, string, unknown?] | null,
): (location: number, isolate: number, n: number) => Step {
  return (location, isolate, n) => async (world) => {
    const target = path(world, n);
    if (target === null) return;
    const [url, method, body] = target;
    const issueId = /issues\/([0-9a-f-]{36})/.exec(url)?.[1];
    const ifMatch =
      issueId === undefined
        ? undefined
        : `"v${(await env.DB.prepare('SELECT version FROM issues WHERE id = ?').bind(issueId).first<{ version: number }>())?.version}"`;
    const response = await serve(
      world,
      location,
      isolate,
      editorRequest(url, method, body, method === 'PATCH' ? ifMatch : undefined),
      'first-primary',
    );
    if (response.ok) worst.writes++;
    else if (response.status !== 503 && response.status !== 409)
      expect.fail(`${method} ${url} answered ${response.status}: ${await response.text()}`);
    await response.body?.cancel();
    await record(world);
    // Read your writes: the isolate that made a change serves it at once (when it can reach D1).
    if (response.ok && !world.locations[location]!.d1.state.down) await read(location, isolate)(world);
  };
}

const draft = write((_, n) => ['/api/v1/admin/issues', 'POST', { title: `이슈 ${n}`, body: '본문', tags: ['sim'] }]);
const publishDraft = write((_, n) => {
  void n;
  return draftId === null ? null : [`/api/v1/admin/issues/${draftId}/publish`, 'POST'];
});
let draftId: string | null = null;
const publish =
  (location: number, isolate: number, n: number): Step =>
  async (world) => {
    await draft(location, isolate, n)(world);
    draftId =
      (await env.DB.prepare("SELECT id FROM issues WHERE status = 'draft' ORDER BY created_at DESC LIMIT 1").first<{ id: string }>())?.id ??
      null;
    await publishDraft(location, isolate, n)(world);
  };
const edit = write((world, n) => {
  const id = pick(world.published, n);
  return id === undefined ? null : [`/api/v1/admin/issues/${id}`, 'PATCH', { title: `고친 제목 ${n}` }];
});
const unpublish = write((world, n) => {
  const id = pick(world.published, n);
  return id === undefined ? null : [`/api/v1/admin/issues/${id}/unpublish`, 'POST'];
});
const restore = write((world, n) => {
  const id = pick(world.published, n);
  return id === undefined ? null : [`/api/v1/admin/issues/${id}/revisions/1/restore`, 'POST'];
});

/** A reader's request; checks the contract's clauses on what it got. */
function read(location: number, isolate: number): Step {
  return async (world) => {
    const here = world.locations[location]!;
    const response = await serve(
      world,
      location,
      isolate,
      new Request('http://127.0.0.1:8787/api/v1/issues?limit=100'),
      'first-unconstrained',
    );
    worst.reads++;
    if (response.status === 503) return; // nothing cached for the newest version known: allowed
    expect(response.status).toBe(200);
    worst.served++;
    const { issues } = (await response.json()) as { issues: { id: string; title: string }[] };
    const listing = issues.map((i) => `${i.id} ${i.title}`).join('\n');
    // The listing must be one that D1 held: a render never mixes in older rows.
    const index = world.history.findLastIndex((v) => v.listing === listing);
    expect(index, `a listing D1 never held was served at location ${location}`).toBeGreaterThanOrEqual(0);
    const successor = world.history[index + 1];
    const staleness = successor === undefined ? 0 : Date.now() - successor.at;
    const cutOff = here.d1.state.down;
    if (cutOff) worst.cutOffStaleness = Math.max(worst.cutOffStaleness, staleness);
    else worst.staleness = Math.max(worst.staleness, staleness);
    // Every location serves a change within the bound (a location cut off from D1: within the KV bound).
    expect(staleness, `location ${location} served a version superseded ${staleness} ms ago`).toBeLessThanOrEqual(
      cutOff ? CUT_OFF_BOUND_MS : FRESHNESS_BOUND_MS,
    );
    // "A location never goes back to a version older than one it served, except within the bound"
    // is the check above: a version older than one served is superseded, so its staleness is bounded.
    if (index < here.newestServed) worst.wentBack++;
    here.newestServed = Math.max(here.newestServed, index);
  };
}

/** An embed answers with exactly the partners of the current settings, in every location. */
function readEmbed(location: number, isolate: number): Step {
  return async (world) => {
    const slug = await env.DB.prepare("SELECT slug FROM issues WHERE status = 'published' LIMIT 1").first<{ slug: string }>();
    if (slug === null || world.locations[location]!.d1.state.down) return;
    const response = await serve(
      world,
      location,
      isolate,
      new Request(`http://127.0.0.1:8787/embed/${encodeURIComponent(slug.slug)}`),
      'first-unconstrained',
    );
    if (response.status !== 200) return;
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    for (const partner of ['https://a.example', 'https://b.example']) {
      expect(csp.includes(partner), `embed CSP ${csp} with partners "${world.partners}"`).toBe(world.partners.includes(partner));
    }
  };
}

/** The cron, as Cloudflare runs it once a minute, in one location that reaches D1. */
async function cron(world: World): Promise<void> {
  const l = world.locations.findIndex((x) => !x.d1.state.down);
  if (l < 0) return;
  const ctx = createExecutionContext();
  await reconcileVersionHint(contextFrom(envAt(world, l), ctx, 'first-primary', world.locations[l]!.edge));
  await waitOnExecutionContext(ctx);
}

/** Time passes: KV writes older than KV_WRITE_DELAY_MS land (in the order they were made), the cron fires each minute. */
async function wait(world: World, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const nextMinute = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
    vi.setSystemTime(Math.min(end, nextMinute, Date.now() + KV_WRITE_DELAY_MS));
    await world.writes.land(
      world.writes.pending.map((_, i) => i).filter((i) => world.writes.pending[i]!.at <= Date.now() - KV_WRITE_DELAY_MS),
    );
    if (Date.now() === nextMinute) await cron(world);
    await checkHint(world);
  }
}

/** A step as fast-check prints it in a counterexample: by its name. */
const named = (name: string, run: Step) => ({ name, run, [fc.toStringMethod]: () => name });

const at = fc.tuple(fc.nat(LOCATIONS - 1), fc.nat(ISOLATES - 1), fc.nat());
const commands = [
  { weight: 4, arbitrary: at.map(([l, i, n]) => named(`publish@${l}.${i}`, publish(l, i, n))) },
  { weight: 2, arbitrary: at.map(([l, i, n]) => named(`edit@${l}.${i}`, edit(l, i, n))) },
  { weight: 2, arbitrary: at.map(([l, i, n]) => named(`unpublish@${l}.${i}`, unpublish(l, i, n))) },
  { weight: 1, arbitrary: at.map(([l, i, n]) => named(`restore@${l}.${i}`, restore(l, i, n))) },
  { weight: 8, arbitrary: at.map(([l, i]) => named(`read@${l}.${i}`, read(l, i))) },
  { weight: 1, arbitrary: at.map(([l, i]) => named(`embed@${l}.${i}`, readEmbed(l, i))) },
  { weight: 5, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((ms) => named(`wait ${ms}ms`, (w: World) => wait(w, ms))) },
  {
    weight: 1,
    arbitrary: fc
      .nat(LOCATIONS - 1)
      .map((l) => named(`d1 lost/back@${l}`, async (w: World) => void (w.locations[l]!.d1.state.down = !w.locations[l]!.d1.state.down))),
  },
  {
    weight: 2,
    arbitrary: fc.nat(LOCATIONS - 1).map((l) => named(`replica catches up@${l}`, async (w: World) => w.locations[l]!.d1.catchUp())),
  },
  {
    weight: 1,
    arbitrary: fc
      .nat(LOCATIONS - 1)
      .map((l) => named(`next kv put lost@${l}`, async (w: World) => void (w.locations[l]!.kv.state.dropNext = true))),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.nat(8), { maxLength: 6 })
      .map((order) => named(`kv writes land ${order}`, async (w: World) => void (await w.writes.land(order)))),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('', 'https://a.example', 'https://b.example', 'https://a.example https://b.example')
      .map((p) => named(`partners "${p}"`, async (w: World) => void (w.partners = p))),
  },
  { weight: 1, arbitrary: fc.constant(named('cron', cron)) },
];

describe('the consistency contract under a simulated topology', () => {
  beforeAll(async () => {
    token = await mintToken('admin');
  });
  afterAll(() => {
    vi.useRealTimers();
    console.log(
      `topology simulation: ${worst.runs} schedules, ${worst.writes} writes, ${worst.versions} versions, ${worst.reads} reads (${worst.served} served 200); worst staleness ` +
        `${worst.staleness} ms where D1 was reachable (bound ${FRESHNESS_BOUND_MS} ms), ${worst.cutOffStaleness} ms where it was not ` +
        `(bound ${CUT_OFF_BOUND_MS} ms), ${worst.wentBack} reads of an older version than the location had served (all within the bound); KV hint wrong for at most ${worst.hintHeal} ms before it healed (bound ${HINT_HEAL_BOUND_MS} ms)`,
    );
  });

  it('holds after every step of random schedules', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(...commands), { minLength: 30, maxLength: 80 }), async (steps) => {
        worst.runs++;
        const writes = new KvWrites(env.CACHE);
        const locations = await Promise.all(
          Array.from({ length: LOCATIONS }, async (_, l) => ({
            kv: locationKv(env.CACHE, writes),
            d1: locationD1(env.DB),
            edge: await caches.open(`location-${l}-${crypto.randomUUID()}`),
            isolates: Array.from({ length: ISOLATES }, newIsolateState),
            newestServed: -1,
          })),
        );
        const world: World = { writes, locations, partners: '', history: [], published: [], hintWrongSince: null };
        await record(world);
        for (const step of steps) {
          await step.run(world);
          await record(world);
          await checkHint(world);
        }
      }),
      { numRuns: 12, endOnFailure: true },
    );
  }, 240_000);
});
