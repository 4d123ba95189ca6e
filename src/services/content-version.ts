import type { RequestContext } from '../config';
import { StorageUnavailable } from '../domain/errors';
import { BOUND_MS, REFRESH_MS } from '../domain/freshness';
import { type ContentVersion, readContentVersion, readVersionHint, storeVersionHint } from '../storage/content-version';
import type { IsolateState, KnownVersion } from './isolate-state';

/**
 * Which content version this isolate serves readers. D1's primary is the authority: the version
 * moves in the same transaction as the change it announces, so there is no second copy that a
 * lost or reordered write could leave behind. Each isolate asks the primary again once its answer
 * is REFRESH_MS old (in the background: the request does not wait) and waits for it once the
 * answer is BOUND_MS old, so no reader is served a version older than BOUND_MS plus one round
 * trip to the primary (see README, "Caching and freshness").
 */

/** Sets what the isolate serves. */
function learn(state: IsolateState, next: KnownVersion): KnownVersion {
  state.known = next;
  state.learned++;
  return next;
}

/**
 * Asks the primary. Its answer is the truth, also when it is older than what the isolate knows
 * (the database was rewound, by D1 Time Travel say: generations are never reused, see
 * bumpGeneration), unless the isolate learned a version since it asked (a write's own
 * announcement can overtake the reply). Each caller waits for its own read: a promise of one
 * request's I/O is not handed to another request.
 */
async function refresh(context: RequestContext): Promise<KnownVersion> {
  const state = context.isolate;
  const asked = state.learned;
  const primary = context.session('first-primary');
  const version = await readContentVersion(primary.db);
  const next = { ...version, bookmark: primary.bookmark(), checkedAt: Date.now() };
  if (state.learned !== asked && state.known !== null && state.known.epoch === next.epoch && state.known.generation > next.generation) {
    return state.known;
  }
  return learn(state, next);
}

/**
 * The version to serve a read at. `confirmed` is false when D1 could not be asked and the version
 * is older than the bound: the caller may serve what it has for it (stale-if-error), never older.
 */
export async function versionToServe(context: RequestContext): Promise<{ version: KnownVersion; confirmed: boolean }> {
  const known = context.isolate.known;
  const age = known === null ? Infinity : Date.now() - known.checkedAt;
  if (known !== null && age < REFRESH_MS) return { version: known, confirmed: true };
  if (known !== null && age < BOUND_MS) {
    // One background refresh at a time per isolate: others in the next REFRESH_MS skip it.
    if (Date.now() - context.isolate.refreshStartedAt >= REFRESH_MS) {
      context.isolate.refreshStartedAt = Date.now();
      context.defer(refresh(context).catch(() => {}));
    }
    return { version: known, confirmed: true };
  }
  try {
    return { version: await refresh(context), confirmed: true };
  } catch (error) {
    if (!(error instanceof StorageUnavailable)) throw error;
    // D1 cannot be reached from here: KV may still say what the writers announced since.
    // Only a newer version of the database this isolate serves: a hint from another database (one
    // replaced by an import, in a KV that has not caught up) must not take it back there.
    const hint = await readVersionHint(context.cache).catch(() => null);
    const newer = hint !== null && (known === null || (hint.epoch === known.epoch && hint.generation > known.generation));
    if (newer) learn(context.isolate, { ...hint, bookmark: null, checkedAt: known?.checkedAt ?? 0 });
    if (context.isolate.known === null) throw error;
    return { version: context.isolate.known, confirmed: false };
  }
}

/** After a change readers can see: this isolate serves it at once, and KV's hint is moved on. */
export function announceVersion(context: RequestContext, version: ContentVersion, bookmark: string | null): void {
  const known = context.isolate.known;
  // Two writes' announcements can arrive in either order: keep the newer.
  if (known === null || known.epoch !== version.epoch || known.generation < version.generation) {
    learn(context.isolate, { ...version, bookmark, checkedAt: Date.now() });
  }
  context.defer(
    storeVersionHint(context.cache, version).catch((error: unknown) => console.warn('kv: could not store the version hint', error)),
  );
}

/**
 * The cron's repair: reads the version from the primary and rewrites KV's hint when it differs,
 * so a hint lost, late or overwritten by an older write is right again within a minute.
 */
export async function reconcileVersionHint(context: RequestContext): Promise<boolean> {
  const truth = await readContentVersion(context.session('first-primary').db);
  const hint = await readVersionHint(context.cache).catch(() => null);
  if (hint !== null && hint.epoch === truth.epoch && hint.generation === truth.generation) return false;
  await storeVersionHint(context.cache, truth);
  return true;
}
