import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../support/run-script';

/**
 * `npm run token` for real: the script, wrangler and a local D1 kept in a throwaway directory
 * (--persist-to), so the project's own local database is never touched. Each command applies the
 * migrations and runs wrangler, which takes seconds, so the steps share one database in order.
 */
let persistTo = '';
beforeAll(async () => {
  persistTo = await mkdtemp(join(tmpdir(), 'masthead-token-test-'));
});
afterAll(() => rm(persistTo, { recursive: true, force: true }));

const token = (...args: string[]) => runScript('token', [...args, '--persist-to', persistTo]);

describe('npm run token', () => {
  it('creates, lists and revokes a token, and says so when there is nothing to revoke', { timeout: 180_000 }, async () => {
    const created = await token('create', '--name', 'script-test', '--role', 'editor');
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^mh_[a-z0-9]{16}_\S+$/);
    const id = /Created editor token ([a-z0-9]{16})/.exec(created.stderr)?.[1];
    expect(id).toBeDefined();

    // A second live token may not take the name: a contributor's issues belong to its name.
    const twin = await token('create', '--name', 'script-test', '--role', 'contributor');
    expect(twin.code).not.toBe(0);
    expect(twin.stdout).toBe('');
    expect(twin.stderr).toContain(`Live token ${id} (editor) already has the name script-test`);

    const listed = await token('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('script-test');

    const revoked = await token('revoke', '--id', id!);
    expect(revoked.stderr).toContain(`Revoked token ${id}`);
    expect(revoked.code).toBe(0);

    // Once the first is revoked, a new token may take the name over (how a token is replaced).
    const replacement = await token('create', '--name', 'script-test', '--role', 'editor');
    expect(replacement.code).toBe(0);

    const again = await token('revoke', '--id', id!);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(new RegExp(`token ${id} was already revoked at \\d{4}-`, 'i'));

    const unknown = await token('revoke', '--id', 'zzzzzzzzzzzzzzzz');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No token has the id zzzzzzzzzzzzzzzz');
  });
});
