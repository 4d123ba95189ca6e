import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertEmpty,
  type Backup,
  countRows,
  exportBackup,
  parseBackup,
  type RunSql,
  restoredRows,
  restoreStatements,
} from '../../src/services/backup';
import type { Row } from '../../src/storage/backup';
import { gramsPending, storeGrams } from '../../src/storage/search';
import { sixtyIssueInput } from '../fixtures/sixty-issues';
import { call, editorClient, mintToken } from '../helpers';
import { pushedSeed } from '../support/seed-media';

const NOW = new Date('2026-11-27T00:00:00.000Z');
/** Runs SQL the way `wrangler d1 execute` would: the exact statements the CLI sends. */
const runner =
  (db: D1Database): RunSql =>
  async (sql) =>
    (await db.prepare(sql).all<Row>()).results;

let original: Backup;

beforeAll(async () => {
  const editor = editorClient(await mintToken('editor'));
  await mintToken('admin', 'revoked-admin');
  const publish = async (body: string, type: string) => {
    const { id } = (await (await editor('/api/v1/admin/issues', { method: 'POST', body, headers: { 'Content-Type': type } })).json()) as {
      id: string;
    };
    await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });
    return id;
  };
  const seedId = await publish(await pushedSeed(editor), 'text/markdown');
  for (let i = 1; i <= 25; i++) await publish(JSON.stringify(sixtyIssueInput(i)), 'application/json');
  await editor(`/api/v1/admin/issues/${seedId}`, {
    method: 'PATCH',
    headers: { 'If-Match': '"v2"', 'Content-Type': 'application/merge-patch+json' },
    body: '{"subtitle":"고친 부제"}',
  });
  await editor('/api/v1/admin/issues', {
    method: 'POST',
    json: { title: "초안 with 'quotes' and \\ backslash", body: "line\n'quoted' -- not SQL;\n" },
  });
  for (const [i, rating] of [5, 4, 1].entries()) {
    await call('/api/v1/issues/fixture-01/feedback', {
      method: 'POST',
      body: JSON.stringify({ rating, comment: `의견 ${i} '; DROP TABLE feedback; --` }),
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': `203.0.113.${i}` },
    });
  }
  original = await exportBackup(runner(env.DB), NOW, () => {}, 7);
});

describe('backups', () => {
  it('export every issue with all its revisions, the tags, token metadata and feedback', () => {
    const t = original.tables;
    expect(t.issues).toHaveLength(1 + 25 + 1);
    expect(t.revisions.length).toBe(26 * 2 + 1 + 1);
    expect(t.feedback).toHaveLength(3);
    expect(t.tokens.map((row) => row.name)).toContain('revoked-admin');
    expect(JSON.stringify(t.tokens)).not.toMatch(/[0-9a-f]{64}/);
    expect(t.tokens[0]).not.toHaveProperty('hash');
  });

  it('round-trip exactly through an empty database, search index included', async () => {
    await applyD1Migrations(env.RESTORE_DB, env.TEST_MIGRATIONS);
    await assertEmpty(runner(env.RESTORE_DB));
    const file = parseBackup(JSON.parse(JSON.stringify(original)));
    for (const sql of restoreStatements(file, NOW)) await env.RESTORE_DB.prepare(sql).run();
    const restored = await exportBackup(runner(env.RESTORE_DB), NOW);
    const { tokens: originalTokens, ...originalRest } = original.tables;
    const { tokens: restoredTokens, ...restoredRest } = restored.tables;
    expect(restoredRest).toEqual(originalRest);
    // Tokens come back with their metadata, revoked (their secrets were never exported).
    expect(restoredTokens.map(({ revoked_at: _, ...rest }) => rest)).toEqual(originalTokens.map(({ revoked_at: _, ...rest }) => rest));
    expect(restoredTokens.every((row) => row.revoked_at !== null)).toBe(true);

    // The restore writes the search rows from the issues as written, and marks every issue waiting;
    // the cron's indexing (storeGrams) then folds them as search folds: the same rows as before.
    await storeGrams(env.RESTORE_DB, await gramsPending(env.RESTORE_DB, 1_000));
    const search = (db: D1Database) =>
      db.prepare('SELECT rowid FROM issue_search WHERE issue_search MATCH \'"인프라"\' ORDER BY rowid').all();
    expect((await search(env.RESTORE_DB)).results).toEqual((await search(env.DB)).results);
    const all = (db: D1Database) => db.prepare('SELECT rowid, title, summary, body FROM issue_search ORDER BY rowid').all();
    expect((await all(env.RESTORE_DB)).results).toEqual((await all(env.DB)).results);
    // The counts that lists and feeds read are rebuilt, not copied: they must agree too.
    const counts = (db: D1Database) =>
      Promise.all([
        db.prepare("SELECT value FROM site_state WHERE key = 'published_count'").first('value'),
        db
          .prepare('SELECT tag, published FROM tag_counts ORDER BY tag')
          .all()
          .then((r) => r.results),
      ]);
    expect(await counts(env.RESTORE_DB)).toEqual(await counts(env.DB));
    // A restored database starts a content version of its own (its epoch), moved on past the empty one.
    const version = (db: D1Database) =>
      db
        .prepare("SELECT key, value FROM site_state WHERE key IN ('epoch', 'generation') ORDER BY key")
        .all<{ key: string; value: number }>()
        .then((r) => r.results);
    const [epoch, generation] = await version(env.RESTORE_DB);
    expect(epoch!.value).not.toBe((await version(env.DB))[0]!.value);
    expect(generation!.value).toBeGreaterThan(1);
  });

  it('read back what a restore wrote, and name the rows it lost', async () => {
    const db = env.RESTORE_DB;
    await applyD1Migrations(db, env.TEST_MIGRATIONS);
    // Empty again: the round trip above restored into it.
    for (const table of ['feedback', 'revisions', 'issue_tags', 'tokens', 'issues', 'issue_search', 'tag_counts', 'media'])
      await db.prepare(`DELETE FROM ${table}`).run();
    const run = runner(db);
    const before = await countRows(run);
    // One restore statement is lost, as a chunk wrangler reports done but that did not land.
    const statements = restoreStatements(original, NOW);
    const lost = statements.findIndex((sql) => sql.startsWith('INSERT INTO feedback'));
    for (const sql of statements.filter((_, i) => i !== lost)) await db.prepare(sql).run();
    const result = restoredRows(original, before, await countRows(run));
    expect(result.rows.feedback).toBe(original.tables.feedback.length - 1);
    expect(result.missing).toEqual([
      `feedback: ${original.tables.feedback.length} in the backup, ${original.tables.feedback.length - 1} restored`,
    ]);
    // A database that already held rows (tokens minted before the restore) counts only what was added.
    const complete = restoredRows(original, before, {
      ...before,
      ...Object.fromEntries(Object.entries(original.tables).map(([t, rows]) => [t, before[t as keyof typeof before] + rows.length])),
    });
    expect(complete.missing).toEqual([]);
  });

  it('refuse to restore into a database that holds issues', async () => {
    await expect(assertEmpty(runner(env.DB))).rejects.toThrow(/already holds 27 issues/);
  });

  it('refuse a file that is not a backup', () => {
    expect(() => parseBackup({ format: 'other' })).toThrow(/not a Masthead backup/);
    expect(() => parseBackup({ ...original, version: 3 })).toThrow(/version/);
  });

  it('restore a backup from before covers, attachments and media (version 1): the new columns take their defaults', async () => {
    const db = env.RESTORE_DB;
    for (const table of ['feedback', 'revisions', 'issue_tags', 'tokens', 'issues', 'issue_search', 'tag_counts', 'media'])
      await db.prepare(`DELETE FROM ${table}`).run();
    const { media: _media, ...tables } = original.tables;
    const issues = tables.issues.map(({ cover_alt: _alt, attachments: _attachments, ...row }) => row);
    const old = parseBackup(JSON.parse(JSON.stringify({ ...original, version: 1, tables: { ...tables, issues } })));
    for (const sql of restoreStatements(old, NOW)) await db.prepare(sql).run();
    const restored = await db
      .prepare('SELECT COUNT(*) AS n, SUM(attachments = ?) AS empty FROM issues')
      .bind('[]')
      .first<{ n: number; empty: number }>();
    expect(restored).toEqual({ n: issues.length, empty: issues.length });
  });

  it('read a backup from before media (version 1, no media index) as one with no files', () => {
    const { media: _media, ...tables } = original.tables;
    expect(parseBackup({ ...original, version: 1, tables }).tables.media).toEqual([]);
  });
});
