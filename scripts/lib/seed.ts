import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { contextFrom } from '../../src/config';
import { IssueInputSchema } from '../../src/domain/issue';
import { mediaPath } from '../../src/domain/media';
import { NO_IF_MATCH } from '../../src/domain/preconditions';
import { parse } from '../../src/domain/validation';
import { createIssue } from '../../src/services/issues';
import { uploadMedia } from '../../src/services/media';
import { publishIssue } from '../../src/services/publishing';
import type { Editor } from '../../src/services/tokens';
import { slugExists } from '../../src/storage/issues';
import { pushPlan } from './push-plan';

/** Seed files are `NNN-name.md`; other files in seed/ (its README) are not issues. */
const SEED_FILE = /^\d+-.+\.md$/;
const SEEDER: Editor = { tokenId: 'seed', name: 'seed', role: 'admin' };

/**
 * Loads every seed file into the local D1 through the same services the editor API uses, and
 * publishes it; the images a file names by relative path go to the local R2 bucket first. A file whose slug is already in the database is skipped, so restarts keep edits.
 */
export async function loadSeed(directory: string, log: (line: string) => void, persistTo?: string): Promise<void> {
  const files = (await readdir(directory)).filter((name) => SEED_FILE.test(name)).sort();
  const proxy = await getPlatformProxy<Env>({
    configPath: 'wrangler.toml',
    // The project's local state (.wrangler/state), or the directory `--persist-to` names, as wrangler reads it.
    persist: persistTo === undefined ? true : { path: join(persistTo, 'v3') },
    remoteBindings: false,
  });
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
      // Read as `npm run push` reads a file: its slug, and the local images it names.
      const plan = pushPlan(await readFile(join(directory, file), 'utf8'), file.replace(/\.md$/, ''));
      if (!plan.ok) throw new Error(`${prefix} ${plan.error}`);
      if (await slugExists(context.db, plan.slug)) {
        log(`${prefix} already loaded, left as it is`);
        continue;
      }
      let document = plan.document;
      for (const image of plan.files) {
        const bytes = await readFile(join(directory, decodeURI(image))).catch(() => {
          throw new Error(`${prefix} names ${image}, which cannot be read`);
        });
        const { record } = await uploadMedia(context, SEEDER, new Uint8Array(bytes));
        const path = mediaPath(record.sha256, record.ext);
        document = plan.withUpload(document, image, { path, url: `${context.site.url}${path}` });
        log(`${prefix} uploaded ${image} as ${path}`);
      }
      const input = parse(IssueInputSchema, document);
      if (!input.ok) throw new Error(`${prefix} ${input.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
      const { issue } = await createIssue(context, SEEDER, input.value, null);
      await publishIssue(context, SEEDER, issue.id, undefined, NO_IF_MATCH);
      log(`${prefix} published at ${context.site.url}/issues/${encodeURIComponent(issue.slug)}`);
    }
    await Promise.all(pending);
  } finally {
    await proxy.dispose();
  }
}
