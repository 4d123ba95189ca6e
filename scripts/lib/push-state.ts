// What `npm run push` last pushed, kept in the editor's own home (~/.masthead/push-state.json),
// never in the folder being pushed: that folder may come from someone else, and a state file
// planted there could claim that this folder pushed a live issue (skipping --force), or be a
// symbolic link that turns the write into an overwrite of another file.
import { constants } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Per site (its URL), per Markdown file (its real path): the issue and the version the push left. */
export type PushState = Record<string, Record<string, { id: string; version: number }>>;

export const stateFile = (home = homedir()) => join(home, '.masthead', 'push-state.json');

/** The state, or an empty one; a file that is not a regular file is not read. */
export async function readPushState(home = homedir()): Promise<PushState> {
  const handle = await open(stateFile(home), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  if (handle === null) return {};
  try {
    if (!(await handle.stat()).isFile()) return {};
    const json = JSON.parse(await handle.readFile('utf8')) as unknown;
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as PushState) : {};
  } catch {
    return {};
  } finally {
    await handle.close();
  }
}

/** Records one push: written to a new file beside the state, then renamed over it (no link is followed). */
export async function rememberPush(site: string, file: string, issue: { id: string; version: number }, home = homedir()): Promise<void> {
  const state = await readPushState(home);
  state[site] = { ...state[site], [file]: issue };
  await mkdir(join(home, '.masthead'), { recursive: true, mode: 0o700 });
  const temporary = `${stateFile(home)}.${process.pid}.tmp`;
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
  } finally {
    await handle.close();
  }
  await rename(temporary, stateFile(home));
}
