// The files a Markdown issue references on the editor's machine, as `npm run push` reads them. The
// Markdown may have been written by someone else (a guest author, a pull request, a shared folder),
// so a reference is a request to share a file, granted only inside the Markdown file's own folder:
// every reference is resolved to its real path (symbolic links followed) and refused, before a byte
// of it is read, when that path lies outside the folder. What a file is comes from its bytes, by
// the same rules the server applies (src/domain/media.ts), before anything is sent.
import { constants, existsSync } from 'node:fs';
import { open, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { detectMedia, MAX_MEDIA_BYTES, MEDIA_TYPES, type MediaKind } from '../../src/domain/media';

/** A local file checked and read, ready to upload. */
export interface LocalFile {
  /** As the Markdown writes it. */
  reference: string;
  /** Its real path (symbolic links resolved). */
  path: string;
  bytes: Uint8Array;
  contentType: string;
  kind: MediaKind;
  width: number | null;
  height: number | null;
}

export class LocalFileError extends Error {}

/** Whether `path` lies strictly inside `folder` (both real, absolute paths). */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The real path of `reference` (a relative, possibly percent-encoded path from the Markdown),
 * which must lie inside `folder`; throws a LocalFileError naming the reference otherwise. Reads no
 * file's contents.
 */
export async function resolveInside(folder: string, reference: string): Promise<string> {
  let decoded: string;
  try {
    decoded = decodeURI(reference);
  } catch {
    throw new LocalFileError(`references ${reference}, which is not a valid path (a stray %)`);
  }
  if (/[\u0000-\u001f\u007f]/.test(decoded)) throw new LocalFileError(`references ${reference}, a path with control characters`);
  const root = await realpath(folder);
  const outside = () =>
    new LocalFileError(`references ${reference}, which lies outside this file's folder (${root}): only files inside it are uploaded`);
  if (isAbsolute(decoded) || !isInside(root, resolve(root, decoded))) throw outside();
  let real: string;
  try {
    real = await realpath(resolve(root, decoded));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LocalFileError(`references ${reference}, which cannot be read (${code === 'ENOENT' ? 'no such file' : code})`);
  }
  // A symbolic link (of the file or of a folder on the way) may point anywhere: its target decides.
  if (!isInside(root, real)) throw outside();
  return real;
}

/**
 * Reads one checked file: a regular file (not a device or a pipe), at most the server's upload
 * limit, opened without following a link swapped in since it was resolved, and of a kind the
 * server stores. `image` says the reference is used as an image (in the body, or the cover).
 */
export async function readLocalFile(root: string, reference: string, path: string, image: boolean): Promise<LocalFile> {
  const says = (problem: string) => `references ${reference}, which ${problem}`;
  const bytes = new Uint8Array(
    await readChecked(path, says, MAX_MEDIA_BYTES, async (fd) => {
      // Where the open file really is (Linux names it under /proc): a folder swapped for a link after
      // resolving would show here.
      const open = `/proc/self/fd/${fd}`;
      if (existsSync(open) && !isInside(await realpath(root), await readlink(open)))
        throw new LocalFileError(says("lies outside this file's folder"));
    }),
  );
  const detected = detectMedia(bytes);
  if (!detected.ok) throw new LocalFileError(says(`the server would refuse: ${detected.reason}`));
  const { contentType, kind } = MEDIA_TYPES[detected.ext];
  if (image && kind !== 'image') {
    throw new LocalFileError(`uses ${reference} as an image, but it is ${contentType}: name it as an attachment instead`);
  }
  return { reference, path, bytes, contentType, kind, width: detected.width, height: detected.height };
}

/**
 * The bytes of a regular file with one name, at most `limit`: looked at before it is opened (so a
 * device or a pipe is never opened; a hard link is another name of a file that may live anywhere,
 * which its path cannot show), opened without following a link, and the same file as looked at.
 * `check` sees the open file's descriptor before it is read. `says` words a problem.
 */
async function readChecked(
  path: string,
  says: (problem: string) => string,
  limit: number,
  check: (fd: number) => Promise<void> = async () => {},
): Promise<Buffer> {
  const before = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new LocalFileError(says(`cannot be read (${error.code})`));
  });
  if (!before.isFile()) throw new LocalFileError(says('is not a regular file'));
  if (before.nlink > 1) {
    throw new LocalFileError(
      says(`is a hard link (a file with ${before.nlink} names, perhaps outside this folder): copy the file instead`),
    );
  }
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (error: NodeJS.ErrnoException) => {
      throw new LocalFileError(says(`cannot be opened (${error.code})`));
    },
  );
  try {
    const opened = await handle.stat();
    if (opened.dev !== before.dev || opened.ino !== before.ino) throw new LocalFileError(says('changed while it was read'));
    await check(handle.fd);
    if (opened.size > limit) throw new LocalFileError(says(`is ${opened.size} bytes; at most ${limit} are taken`));
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The largest Markdown file pushed: far above an issue's 200,000 characters, far below memory. */
const MAX_MARKDOWN_BYTES = 4 * 1024 * 1024;

/** The real path of a Markdown file named on the command line, which must lie in the folder it is named in. */
export async function readMarkdownPath(named: string): Promise<string> {
  const real = await realpath(named).catch((error: NodeJS.ErrnoException) => {
    throw new LocalFileError(`cannot be read (${error.code === 'ENOENT' ? 'no such file' : error.code})`);
  });
  if (dirname(real) !== (await realpath(dirname(named)))) {
    throw new LocalFileError(`is a link to ${real}, outside its folder: only Markdown files in the folder itself are pushed`);
  }
  return real;
}

/** A Markdown file's bytes: a regular file of one name, opened without following a link. */
export function readMarkdownFile(path: string): Promise<Buffer> {
  return readChecked(path, (problem) => problem, MAX_MARKDOWN_BYTES);
}
