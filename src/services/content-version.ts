import type { App } from '../config';
import { StorageUnavailable } from '../domain/errors';
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
export const REFRESH_MS = 2_000;
export const BOUND_MS = 5_000;

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
async function refresh(app: App): Promise<KnownVersion> {
  const state = app.isolate;
  const asked = state.learned;
  const primary = app.session('first-primary');
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
export async function versionToServe(app: App): Promise<{ version: KnownVersion; confirmed: boolean }> {
  const known = app.isolate.known;
  const age = known === null ? Infinity : Date.now() - known.checkedAt;
  if (known !== null && age < REFRESH_MS) return { version: known, confirmed: true };
  if (known !== null && age < BOUND_MS) {
    // One background refresh at a time per isolate: others in the next REFRESH_MS skip it.
    if (Date.now() - app.isolate.refreshStartedAt >= REFRESH_MS) {
      app.isolate.refreshStartedAt = Date.now();
      app.defer(refresh(app).catch(() => {}));
    }
    return { version: known, confirmed: true };
  }
  try {
    return { version: await refresh(app), confirmed: true };
  } catch (error) {
    if (!(error instanceof StorageUnavailable)) throw error;
    // D1 cannot be reached from here: KV may still say what the writers announced since.
    // Only a newer version of the database this isolate serves: a hint from another database (one
    // replaced by an import, in a KV that has not caught up) must not take it back there.
    const hint = await readVersionHint(app.cache).catch(() => null);
    const newer = hint !== null && (known === null || (hint.epoch === known.epoch && hint.generation > known.generation));
    if (newer) learn(app.isolate, { ...hint, bookmark: null, checkedAt: known?.checkedAt ?? 0 });
    if (app.isolate.known === null) throw error;
    return { version: app.isolate.known, confirmed: false };
  }
}

/** After a change readers can see: this isolate serves it at once, and KV's hint is moved on. */
export function announceVersion(app: App, version: ContentVersion, bookmark: string | null): void {
  const known = app.isolate.known;
  // Two writes' announcements can arrive in either order: keep the newer.
  if (known === null || known.epoch !== version.epoch || known.generation < version.generation) {
    learn(app.isolate, { ...version, bookmark, checkedAt: Date.now() });
  }
  app.defer(storeVersionHint(app.cache, version).catch((error: unknown) => console.warn('kv: could not store the version hint', error)));
}

/**
 * The cron's repair: reads the version from the primary and rewrites KV's hint when it differs,
 * so a hint lost, late or overwritten by an older write is right again within a minute.
 */
export async function reconcileVersionHint(app: App): Promise<boolean> {
  const truth = await readContentVersion(app.session('first-primary').db);
  const hint = await readVersionHint(app.cache).catch(() => null);
  if (hint !== null && hint.epoch === truth.epoch && hint.generation === truth.generation) return false;
  await storeVersionHint(app.cache, truth);
  return true;
}
