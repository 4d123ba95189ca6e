import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { contextFrom } from '../../src/config';
import { parseFrontMatter } from '../../src/domain/front-matter';
import { IssueInputSchema } from '../../src/domain/issue';
import { NO_IF_MATCH } from '../../src/domain/preconditions';
import { parse } from '../../src/domain/validation';
import { createIssue } from '../../src/services/issues';
import { publishIssue } from '../../src/services/publishing';
import type { Editor } from '../../src/services/tokens';
import { slugExists } from '../../src/storage/issues';

/** Seed files are `NNN-name.md`; other files in seed/ (its README) are not issues. */
const SEED_FILE = /^\d+-.+\.md$/;
const SEEDER: Editor = { tokenId: 'seed', name: 'seed', role: 'admin' };

/**
 * Loads every seed file into the local D1 through the same services the editor API uses, and
 * publishes it. A file whose slug is already in the database is skipped, so restarts keep edits.
 */
export async function loadSeed(directory: string, log: (line: string) => void): Promise<void> {
  const files = (await readdir(directory)).filter((name) => SEED_FILE.test(name)).sort();
  const proxy = await getPlatformProxy<Env>({ configPath: 'wrangler.toml', persist: true, remoteBindings: false });
  try {
    const pending: Promise<unknown>[] = [];
    const context = contextFrom(
      proxy.env,
      { waitUntil: (work) => void pending.push(work) },
      'first-primary',
      proxy.caches.default as unknown as Cache,
    );
    for (const [index, file] of files.entries()) {
      const prefix = `seed [${index + 1}/${files.length}] ${file}:`;
      const front = parseFrontMatter(await readFile(join(directory, file), 'utf8'));
      const input = front.ok ? parse(IssueInputSchema, front.fields) : front;
      if (!input.ok) throw new Error(`${prefix} ${input.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
      if (input.value.slug !== undefined && (await slugExists(context.db, input.value.slug))) {
        log(`${prefix} already loaded, left as it is`);
        continue;
      }
      const { issue } = await createIssue(context, SEEDER, input.value, null);
      await publishIssue(context, SEEDER, issue.id, undefined, NO_IF_MATCH);
      log(`${prefix} published at ${context.site.url}/issues/${encodeURIComponent(issue.slug)}`);
    }
    await Promise.all(pending);
  } finally {
    await proxy.dispose();
  }
}
