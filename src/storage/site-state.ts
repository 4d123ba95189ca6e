import type { Db } from './db';

/** The current content generation (see migrations/0003_site_state.sql). */
export async function readGeneration(db: Db): Promise<number> {
  const row = await db.prepare("SELECT value FROM site_state WHERE key = 'generation'").first<{ value: number }>();
  return row?.value ?? 1;
}

/** The statement that moves the generation on; it joins the batch of the change it announces. */
export function bumpGeneration(db: Db): D1PreparedStatement {
  return db.prepare("UPDATE site_state SET value = value + 1 WHERE key = 'generation' RETURNING value");
}

const GENERATION_KEY = 'generation';
const OUTPUT_PREFIX = 'out';

/** The generation as KV last heard it, or null when KV has none yet. */
export async function cachedGeneration(kv: KVNamespace): Promise<number | null> {
  const value = await kv.get(GENERATION_KEY);
  return value === null ? null : Number(value);
}

export async function storeGeneration(kv: KVNamespace, generation: number): Promise<void> {
  await kv.put(GENERATION_KEY, String(generation));
}

/** A rendered output as KV keeps it. */
export interface StoredOutput {
  body: string;
  contentType: string;
  etag: string;
  lastModified: string | null;
  cacheControl: string;
  headers: Record<string, string>;
}

const outputKey = (generation: number, key: string) => `${OUTPUT_PREFIX}:${generation}:${key}`;
const lastKey = (key: string) => `${OUTPUT_PREFIX}:last:${key}`;

/** The output rendered for `key` at `generation`, if any. */
export async function readOutput(kv: KVNamespace, generation: number, key: string): Promise<StoredOutput | null> {
  return kv.get<StoredOutput>(outputKey(generation, key), 'json');
}

/** The newest output ever rendered for `key`, whatever its generation: for stale-if-error. */
export async function readLastOutput(kv: KVNamespace, key: string): Promise<StoredOutput | null> {
  return kv.get<StoredOutput>(lastKey(key), 'json');
}

/** Keeps an output under its generation (a week) and as the last known one (a month). */
export async function storeOutput(kv: KVNamespace, generation: number, key: string, output: StoredOutput): Promise<void> {
  const value = JSON.stringify(output);
  await Promise.all([
    kv.put(outputKey(generation, key), value, { expirationTtl: 7 * 86_400 }),
    kv.put(lastKey(key), value, { expirationTtl: 30 * 86_400 }),
  ]);
}
