/** SHA-256 and the encodings Masthead writes hashes and ids in (Web Crypto: Workers and Node alike). */

const encoder = new TextEncoder();

/** The SHA-256 digest of a string's UTF-8 bytes. */
export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Base64 for URLs and headers (RFC 4648 §5), unpadded. */
export function toBase64url(bytes: Uint8Array): string {
  return toBase64(bytes).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await sha256(text));
}

/** The hex SHA-256 of bytes (an uploaded file's name). */
export async function bytesSha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** A strong ETag derived from the bytes of a representation. */
export async function contentEtag(body: string): Promise<string> {
  return `"${toBase64url((await sha256(body)).slice(0, 16))}"`;
}
