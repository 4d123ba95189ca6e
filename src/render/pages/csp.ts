import { sha256, toBase64 } from '../../domain/hashing';
import { isFrameAncestor } from '../../domain/partner';
import { AUTO_HEIGHT_SCRIPT, EMBED_CSS, LIST_CSS, PAGE_CSS } from './assets';

/** A CSP hash source for an inline block. */
async function hashSource(text: string): Promise<string> {
  return `'sha256-${toBase64(await sha256(text))}'`;
}

let hashes: Promise<{ pageCss: string; embedCss: string; listCss: string; autoHeight: string }> | undefined;

/** The hashes of our inline CSS and script, computed once per isolate. */
function assetHashes() {
  hashes ??= Promise.all([hashSource(PAGE_CSS), hashSource(EMBED_CSS), hashSource(LIST_CSS), hashSource(AUTO_HEIGHT_SCRIPT)]).then(
    ([pageCss, embedCss, listCss, autoHeight]) => ({ pageCss, embedCss, listCss, autoHeight }),
  );
  return hashes;
}

/**
 * The Content-Security-Policy of an HTML page: no script at all, only our hashed CSS, images from
 * anywhere secure, forms only to ourselves, and no framing.
 */
export async function pagePolicy(): Promise<string> {
  const { pageCss } = await assetHashes();
  return [
    "default-src 'none'",
    `style-src ${pageCss}`,
    "img-src 'self' https: data:",
    // Attachments' audio players: our uploads, or files elsewhere over https.
    "media-src 'self' https:",
    "script-src 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy of an embed: its hashed CSS and auto-height script only, no requests anywhere (images
 * included), and framing only by the configured partner origins.
 */
export async function embedPolicy(
  partners: readonly string[],
  stylesheet: 'embed' | 'list' = 'embed',
  siteOrigin?: string,
): Promise<string> {
  const { embedCss, listCss, autoHeight } = await assetHashes();
  // Checked where they are stored too; here again, because a header is where a stray character
  // would become a directive of its own.
  const framers = partners.filter(isFrameAncestor);
  return [
    "default-src 'none'",
    `style-src ${stylesheet === 'list' ? listCss : embedCss}`,
    `script-src ${autoHeight}`,
    // Our own uploaded images (/media/ on this origin); nothing from anywhere else.
    `img-src data:${siteOrigin === undefined ? '' : ` ${siteOrigin}`}`,
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${framers.length === 0 ? "'none'" : framers.join(' ')}`,
  ].join('; ');
}
