import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import { MAX_IMPORT_BYTES } from '../domain/email-import';
import type { ImportQuerySchema } from '../domain/queries';
import { readBytes, unsupported } from '../http/body';
import { json } from '../http/respond';
import { editorIssue } from '../render/issue-json';
import { type ImportSource, importNewsletter } from '../services/imports';
import type { Editor } from '../services/tokens';

/** What an import takes: a saved .eml, or a newsletter's HTML or text. */
export const IMPORT_TYPES: readonly ImportSource[] = ['message/rfc822', 'text/html', 'text/plain'];

/**
 * `POST /api/v1/admin/imports`: a sent newsletter becomes a draft issue (201, Location the draft),
 * with the import report. Nothing is published.
 */
export async function create(
  request: IRequest,
  context: RequestContext,
  { editor, query }: { editor: Editor; query: v.InferOutput<typeof ImportQuerySchema> },
): Promise<Response> {
  const header = request.headers.get('Content-Type') ?? '';
  const type = header.split(';')[0]!.trim().toLowerCase() as ImportSource;
  if (!IMPORT_TYPES.includes(type)) {
    throw unsupported(
      IMPORT_TYPES,
      `Send the newsletter as ${IMPORT_TYPES.join(', ')} (an .eml file is message/rfc822), not ${header || 'no Content-Type'}.`,
    );
  }
  const charset = /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(header)?.[1] ?? null;
  const bytes = await readBytes(request, MAX_IMPORT_BYTES);
  const { issue, report } = await importNewsletter(context, editor, {
    bytes,
    type,
    charset,
    keepCampaignParameters: query.campaign_parameters === 'keep',
  });
  return json(
    { issue: editorIssue(context.site, issue), report },
    { status: 201, policy: 'editor', headers: { Location: `/api/v1/admin/issues/${issue.id}` } },
  );
}
