import { pushPlan } from '../../scripts/lib/push-plan';

/** Where the seed issue lives, beside the images it names by relative path. */
export const SEED_FILE = 'seed/001-openai-google-cloud.md';

/**
 * The seed issue's Markdown as `npm run push` sends it: each local file it names (its cover, the
 * figure in its body) uploaded with `upload`, which answers the file's URL, and the reference
 * replaced by it. Which files those are is push's own reading of the Markdown (pushPlan); what it
 * finds must be gone afterwards, or this throws.
 */
export async function seedWithUploads(source: string, upload: (file: string) => Promise<string>): Promise<string> {
  const plan = pushPlan(source, 'seed');
  if (!plan.ok) throw new Error(`the seed issue does not parse: ${plan.error}`);
  let text = source;
  for (const file of plan.files) {
    const url = await upload(file);
    text = text.replaceAll(`url: ${file}\n`, `url: ${url}\n`).replaceAll(`](${file})`, `](${url})`);
  }
  const left = pushPlan(text, 'seed');
  if (!left.ok || left.files.length > 0) throw new Error(`the seed issue still names local files: ${left.ok ? left.files : left.error}`);
  return text;
}
