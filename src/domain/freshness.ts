/**
 * The consistency contract's two clocks (README, "Caching and freshness"; services/content-version.ts
 * keeps them): an isolate asks D1's primary for the content version again in the background once
 * its answer is REFRESH_MS old, and waits for the answer once it is BOUND_MS old.
 */
export const REFRESH_MS = 2_000;
export const BOUND_MS = 5_000;
