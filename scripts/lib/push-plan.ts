import MarkdownIt from 'markdown-it';
import { parseFrontMatter } from '../../src/domain/front-matter';
import { slugify } from '../../src/domain/slug';

/** What `npm run push` sends for one file, and the local files it must upload first. */
export type PushPlan =
  | {
      ok: true;
      slug: string;
      /** The issue as the API's JSON body: the front matter's fields and `body`, with the slug set. */
      document: Record<string, unknown>;
      /**
       * Local references (relative paths), as written, in order, each once: the body's images, the
       * cover (`cover.url` or `cover_image`) and the attachments' `url`s.
       */
      files: string[];
      /** The references among `files` shown as images (the body's and the cover): they must be images. */
      images: Set<string>;
      /**
       * The document with one local reference replaced by its upload: in the body by its
       * site-relative path, in the cover and attachments (which must be absolute) by its URL.
       */
      withUpload: (
        document: Record<string, unknown>,
        reference: string,
        uploaded: { path: string; url: string },
      ) => Record<string, unknown>;
    }
  | { ok: false; error: string };

const parser = new MarkdownIt({ html: true });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The cover's address as the front matter gives it: `cover.url`, or `cover_image`. */
function coverReference(fields: Record<string, unknown>): string | null {
  if (typeof fields.cover_image === 'string') return fields.cover_image;
  return isRecord(fields.cover) && typeof fields.cover.url === 'string' ? fields.cover.url : null;
}

/** The attachments' addresses as the front matter gives them. */
function attachmentReferences(fields: Record<string, unknown>): string[] {
  if (!Array.isArray(fields.attachments)) return [];
  return fields.attachments.flatMap((a: unknown) => (isRecord(a) && typeof a.url === 'string' ? [a.url] : []));
}

/** The front matter's file fields with `reference` replaced by `url`. */
function withFileFields(document: Record<string, unknown>, reference: string, url: string): Record<string, unknown> {
  const next = { ...document };
  if (next.cover_image === reference) next.cover_image = url;
  if (isRecord(next.cover) && next.cover.url === reference) next.cover = { ...next.cover, url };
  if (Array.isArray(next.attachments)) {
    next.attachments = next.attachments.map((a: unknown) => (isRecord(a) && a.url === reference ? { ...a, url } : a));
  }
  return next;
}

/** A reference to a file beside the Markdown: no scheme, not site-absolute, not a fragment. */
const isLocal = (src: string) => src !== '' && !/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(src);

/** The `src` of every Markdown image in `body`, as written (the parser's own reading, not a pattern). */
function imageSources(body: string): string[] {
  const sources: string[] = [];
  const visit = (tokens: ReturnType<MarkdownIt['parse']>) => {
    for (const token of tokens) {
      if (token.type === 'image') sources.push(token.attrGet('src') ?? '');
      if (token.children !== null) visit(token.children);
    }
  };
  visit(parser.parse(body, {}));
  return sources;
}

/**
 * Reads one Markdown file as the API does (YAML front matter and body); its slug is the front
 * matter's, or the file name's, so that the same file always finds the same issue again.
 */
export function pushPlan(source: string, fileName: string, folderName = ''): PushPlan {
  const parsed = parseFrontMatter(source);
  if (!parsed.ok) return { ok: false, error: parsed.errors.map((e) => `${e.path} ${e.message}`).join('; ') };
  const fields = parsed.fields;
  // A folder of its own per issue (`2026-12/index.md`, beside its images) is named by the folder.
  const named = /^(?:index|readme|issue)$/i.test(fileName) && folderName !== '' ? folderName : fileName;
  const slug = typeof fields.slug === 'string' ? fields.slug : slugify(named);
  const body = typeof fields.body === 'string' ? fields.body : '';
  // markdown-it hands back a normalized (percent-encoded) src; the file's own spelling is what to replace.
  const written = new Map<string, string>();
  for (const match of body.matchAll(/!\[[^\]]*\]\(\s*(?:<([^>\n]*)>|([^)\s]+))|^ {0,3}\[[^\]]+\]:[ \t]*(?:<([^>\n]*)>|(\S+))/gm)) {
    const spelled = match[1] ?? match[2] ?? match[3] ?? match[4]!;
    written.set(parser.normalizeLink(spelled), spelled);
  }
  const images = [...new Set(imageSources(body).map((src) => written.get(src) ?? src))].filter(isLocal);
  const cover = coverReference(fields);
  const others = [...(cover === null ? [] : [cover]), ...attachmentReferences(fields)].filter(isLocal);
  return {
    ok: true,
    slug,
    document: { ...fields, slug },
    files: [...new Set([...images, ...others])],
    images: new Set([...images, ...(cover !== null && isLocal(cover) ? [cover] : [])]),
    withUpload: (document, reference, { path, url }) => {
      const text = String(document.body ?? '');
      const escaped = reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const replaced = text
        // Inline images: ](ref) and ](<ref>).
        .replace(new RegExp(`(\\]\\(\\s*)(?:<${escaped}>|${escaped}(?=[)\\s]))`, 'g'), `$1${path}`)
        // Reference definitions: [label]: ref
        .replace(new RegExp(`^( {0,3}\\[[^\\]]+\\]:[ \\t]*)(?:<${escaped}>|${escaped}(?=\\s|$))`, 'gm'), `$1${path}`);
      return withFileFields({ ...document, body: replaced }, reference, url);
    },
  };
}

/** The local images a body still references after rewriting: what the rewriting could not reach. */
export function localImagesIn(body: string): string[] {
  return imageSources(body).filter(isLocal);
}
