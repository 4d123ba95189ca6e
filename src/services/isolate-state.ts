import type { ContentVersion } from '../storage/content-version';
import type { StoredOutput } from '../storage/edge-outputs';

/** A content version as an isolate knows it. */
export interface KnownVersion extends ContentVersion {
  /** The D1 bookmark at which this version was read: renders read at least this fresh. */
  bookmark: string | null;
  /** When the primary last confirmed it (Date.now()). */
  checkedAt: number;
}

/** A cached output, with its body encoded once so that a hit does not encode it again. */
export interface CachedOutput extends StoredOutput {
  bytes: Uint8Array;
}

/**
 * What one isolate remembers between requests: the content version it serves and the outputs it
 * holds. A Worker has one (THIS_ISOLATE, in module scope, which lives as long as the isolate);
 * the topology simulation gives each simulated isolate its own.
 */
export interface IsolateState {
  known: KnownVersion | null;
  /** How many times `known` was set: a reply to a refresh older than a later setting is stale. */
  learned: number;
  /** When a background refresh last started (Date.now()), so that requests do not pile them up. */
  refreshStartedAt: number;
  /** Least recently used first: a Map keeps insertion order, and a hit moves its entry to the end. */
  outputs: Map<string, CachedOutput>;
  bytes: number;
  /** The current partners' public keys, as read at one content version (services/partners.ts). */
  partnerKeys: { epoch: number; generation: number; keys: ReadonlySet<string> } | null;
}

export function newIsolateState(): IsolateState {
  return { known: null, learned: 0, refreshStartedAt: 0, outputs: new Map(), bytes: 0, partnerKeys: null };
}

export const THIS_ISOLATE: IsolateState = newIsolateState();

/** Forgets everything (tests: another isolate in the same location). */
export function resetIsolateState(state: IsolateState): void {
  Object.assign(state, newIsolateState());
}
