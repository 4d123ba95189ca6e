import PostalMime from 'postal-mime';

/**
 * Sent newsletters as MIME messages (RFC 5322 with RFC 2045–2049 bodies), read by postal-mime:
 * multipart, quoted-printable and base64, and every charset the platform's TextDecoder knows
 * (EUC-KR among them). One charset it does not know is ISO-2022-KR (RFC 1557), which the
 * Encoding Standard maps to "replacement"; postal-mime then reads its 7-bit bytes as they are,
 * and fromIso2022Kr() below turns them into text.
 */

/** An inline part a message's HTML may name by `cid:`. */
export interface InlinePart {
  contentId: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface ParsedEmail {
  subject: string | null;
  from: string | null;
  date: string | null;
  html: string | null;
  text: string | null;
  inline: InlinePart[];
}

/** A message that is not one: no headers, or no text or HTML part to import. */
export class UnreadableEmail extends Error {}

/** ESC $ ) C: the designation that opens ISO-2022-KR text. */
const ISO_2022_KR = '\u001b$)C';

/**
 * ISO-2022-KR text, read byte for byte as Latin-1, as UTF-16: between SO (0x0E) and SI (0x0F)
 * each pair of bytes is a KS X 1001 character, which is EUC-KR with the high bits set. Text
 * without the designation is returned as it is.
 */
export function fromIso2022Kr(text: string): string {
  if (!text.includes(ISO_2022_KR)) return text;
  const bytes: number[] = [];
  let shifted = false;
  const source = text.replaceAll(ISO_2022_KR, '');
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code === 0x0e) shifted = true;
    else if (code === 0x0f) shifted = false;
    else if (shifted && code >= 0x21 && code <= 0x7e) bytes.push(code | 0x80);
    else {
      if (code === 0x0a || code === 0x0d) shifted = false;
      bytes.push(code & 0xff);
    }
  }
  return new TextDecoder('euc-kr').decode(new Uint8Array(bytes));
}

const HEADER_LINE = /^[!-9;-~]+:/;

/**
 * Reads a message. Throws UnreadableEmail when the bytes do not start with a header, or hold
 * neither a text nor an HTML part. Nesting and header size are bounded (a hostile message must
 * not take the parser's time).
 */
export async function parseEmail(bytes: Uint8Array): Promise<ParsedEmail> {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1000)).replace(/^\uFEFF/, '');
  if (!HEADER_LINE.test(head))
    throw new UnreadableEmail('does not start with a mail header (such as From: or Subject:); send the .eml file as it was saved');
  let email: Awaited<ReturnType<typeof PostalMime.parse>>;
  try {
    email = await PostalMime.parse(bytes, { maxNestingDepth: 20, maxHeadersSize: 256 * 1024, maxRfc822NestingDepth: 0 });
  } catch (error) {
    throw new UnreadableEmail(`is not a MIME message that can be read (${error instanceof Error ? error.message : String(error)})`);
  }
  const html = email.html?.trim() ? fromIso2022Kr(email.html) : null;
  const text = email.text?.trim() ? fromIso2022Kr(email.text) : null;
  if (html === null && text === null) throw new UnreadableEmail('holds no text or HTML part to import');
  const inline: InlinePart[] = [];
  for (const attachment of email.attachments) {
    if (attachment.contentId === undefined || !(attachment.content instanceof ArrayBuffer)) continue;
    inline.push({
      contentId: attachment.contentId.replace(/^<|>$/g, ''),
      mimeType: attachment.mimeType,
      bytes: new Uint8Array(attachment.content),
    });
  }
  return {
    subject: email.subject === undefined ? null : fromIso2022Kr(email.subject).trim() || null,
    from: email.from?.address ?? null,
    date: email.date ?? null,
    html,
    text,
    inline,
  };
}
