// The seed issue for the stages that run in Node (interop, load, browser): read from seed/, its
// images uploaded to the Worker as `npm run push` would.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SEED_FILE, seedWithUploads } from './seed-issue';

/** The seed issue's Markdown with its images uploaded to the Worker at `url` with an editor's `token`. */
export async function pushedSeedFile(url: string, token: string): Promise<string> {
  return seedWithUploads(await readFile(SEED_FILE, 'utf8'), async (file) => {
    const response = await fetch(`${url}/api/v1/admin/media`, {
      method: 'POST',
      body: await readFile(join(dirname(SEED_FILE), file)),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
    });
    if (!response.ok) throw new Error(`uploading the seed's ${file}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { url: string }).url;
  });
}
