// The seed issue's Markdown and images inside workerd, which has no file system: Vite inlines them.
import source from '../../seed/001-openai-google-cloud.md?raw';
import cover from '../../seed/images/cover.png?inline';
import numbers from '../../seed/images/numbers.png?inline';
import { seedWithUploads } from './seed-issue';

const FILES: Record<string, string> = { 'images/cover.png': cover, 'images/numbers.png': numbers };

/** A seed image's bytes, by the path the seed issue names it with. */
export function seedImage(file: string): Uint8Array {
  const dataUrl = FILES[file];
  if (dataUrl === undefined) throw new Error(`the seed issue names ${file}, which tests/support/seed-media.ts does not inline`);
  return Uint8Array.from(atob(dataUrl.slice(dataUrl.indexOf(',') + 1)), (c) => c.charCodeAt(0));
}

/** The seed issue as pushed: its images uploaded to the Worker by `editor` (an editorClient). */
export function pushedSeed(editor: (path: string, init: RequestInit) => Promise<Response>): Promise<string> {
  return seedWithUploads(source, async (file) => {
    const response = await editor('/api/v1/admin/media', {
      method: 'POST',
      body: seedImage(file),
      headers: { 'Content-Type': 'image/png' },
    });
    if (!response.ok) throw new Error(`uploading the seed's ${file}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { url: string }).url;
  });
}
