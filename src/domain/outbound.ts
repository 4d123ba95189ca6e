/**
 * Where the Worker may send a request of its own (a webhook, an image or a redirect an import
 * follows): a public host, not a private, loopback or link-local address, nor a name that only
 * resolves inside (.local, .internal). On Cloudflare a Worker's fetch cannot reach such addresses
 * anyway; under `wrangler dev` or a self-hosted workerd it could, so they are refused by name here.
 * A public name that resolves to an inside address is not caught by name.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** "localhost." is localhost: names are judged without the one trailing dot DNS allows. */
const bare = (hostname: string) => hostname.replace(/\.$/, '');

export const isLoopbackHost = (hostname: string) => LOOPBACK_HOSTS.has(bare(hostname));

/** IPv4 and IPv6 literals that are not on the public internet: private, loopback, link-local, and the like. */
function isNonPublicAddress(host: string): boolean {
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4 !== null) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      (a === 192 && b === 0) ||
      (a === 198 && b === 51 && Number(v4[3]) === 100) ||
      (a === 203 && b === 0 && Number(v4[3]) === 113) ||
      a >= 224
    );
  }
  // The URL parser writes IPv6 literals in brackets; refuse them all but none are needed.
  return host.startsWith('[');
}

/** Why a host is not a public one, or null when it is. */
export function publicHostProblem(hostname: string): string | null {
  const host = bare(hostname);
  if (isNonPublicAddress(host) || LOOPBACK_HOSTS.has(host)) return 'must be a public address, not a private, loopback or link-local one';
  if (!host.includes('.') || /\.(?:local|localhost|internal|home\.arpa)$/.test(host)) {
    return 'must name a public host (a name with a dot, not .local, .internal or .localhost)';
  }
  return null;
}

/**
 * Whether the Worker may fetch `url` for content (http: or https:, no credentials): a public host,
 * or one on this machine where `allowLocal` (OUTBOUND_ALLOW_LOCAL, as under npm run dev) says so.
 */
export function mayFetch(url: string, allowLocal: boolean): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  if (!/^https?:$/.test(parsed.protocol) || parsed.username !== '' || parsed.password !== '') return false;
  if (isLoopbackHost(parsed.hostname)) return allowLocal;
  return publicHostProblem(parsed.hostname) === null;
}
