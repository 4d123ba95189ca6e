// The files a Markdown issue references on the editor's machine, as `npm run push` reads them. The
// Markdown may have been written by someone else (a guest author, a pull request, a shared folder),
// so a reference is a request to share a file, granted only inside the Markdown file's own folder:
// every reference is resolved to its real path (symbolic links followed) and refused, before a byte
// of it is read, when that path lies outside the folder. What a file is comes from its bytes, by
// the same rules the server applies (src/domain/media.ts), before anything is sent.
import { constants, existsSync } from 'node:fs';
import { open, readlink, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
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
function isInside(folder: string, path: string): boolean {
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
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(
    (error: NodeJS.ErrnoException) => {
      throw new LocalFileError(`references ${reference}, which cannot be opened (${error.code})`);
    },
  );
  try {
    // Where the open file really is (Linux names it under /proc): a folder swapped for a link after
    // resolving would show here.
    const fd = `/proc/self/fd/${handle.fd}`;
    if (existsSync(fd) && !isInside(await realpath(root), await readlink(fd))) {
      throw new LocalFileError(`references ${reference}, which lies outside this file's folder`);
    }
    const stats = await handle.stat();
    if (!stats.isFile()) throw new LocalFileError(`references ${reference}, which is not a regular file`);
    if (stats.size > MAX_MEDIA_BYTES) {
      throw new LocalFileError(`references ${reference}, which is ${stats.size} bytes; the server takes at most ${MAX_MEDIA_BYTES}`);
    }
    const bytes = new Uint8Array(await handle.readFile());
    const detected = detectMedia(bytes);
    if (!detected.ok) throw new LocalFileError(`references ${reference}, which the server would refuse: ${detected.reason}`);
    const { contentType, kind } = MEDIA_TYPES[detected.ext];
    if (image && kind !== 'image') {
      throw new LocalFileError(`uses ${reference} as an image, but it is ${contentType}: name it as an attachment instead`);
    }
    return { reference, path, bytes, contentType, kind, width: detected.width, height: detected.height };
  } finally {
    await handle.close();
  }
}
