/**
 * Links as newsletters send them: wrapped in an email service's click-tracking redirect, and
 * tagged with campaign parameters. What can be read from the address itself is read here; a
 * redirect that hides its target (an opaque id at the service's host) is for the service to
 * follow over the network.
 */

/** Query parameters that carry a redirect's target, in the order they are tried. */
const TARGET_PARAMETERS = [
  'url',
  'u',
  'redirect',
  'redirect_url',
  'redirect_uri',
  'target',
  'link',
  'destination',
  'dest',
  'to',
  'href',
  'r',
  'q',
];

/** Hosts (and their subdomains) of click trackers whose links hide the target: followed over the network. */
export const OPAQUE_TRACKER_HOSTS = [
  'list-manage.com',
  'mailchi.mp',
  'stib.ee',
  'stibee.com',
  'maily.so',
  'mandrillapp.com',
  'sendgrid.net',
  'mailgun.org',
  'mlsend.com',
  'beehiiv.com',
  'convertkit-mail.com',
  'ck.page',
  'substack.com',
  'buttondown.email',
  'buttondown.com',
  'hubspotlinks.com',
  'rs6.net',
  'cmail19.com',
  'cmail20.com',
  'createsend.com',
];

/** Hosts that receive open-tracking pixels. */
export const OPEN_TRACKER_HOSTS = [...OPAQUE_TRACKER_HOSTS, 'google-analytics.com', 'doubleclick.net', 'pixel.wp.com'];

const hostIn = (host: string, hosts: readonly string[]) => hosts.some((known) => host === known || host.endsWith(`.${known}`));

const isWeb = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

function base64Json(segment: string): unknown {
  try {
    const padded = segment.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

/** Paths of redirect endpoints: /redirect, /click, /c/…, /url (as in Google's /url?q=). */
const REDIRECT_PATH = /(?:^|\/)(?:redirect|redir|click|clicks|track|trk|c|l|r|ls|ss|out|away|url|link|links|go|e)(?:\/|$|\.)/i;

/** Whether an address is a redirect at all: a tracker's host, or a redirect endpoint's path. */
const isRedirector = (url: URL) =>
  hostIn(url.hostname, OPAQUE_TRACKER_HOSTS) ||
  /^(?:click|clicks|link|links|track|trk|email|go|r|l)\./.test(url.hostname) ||
  REDIRECT_PATH.test(url.pathname);

/**
 * The target a redirect names in its own address, or null when it names none. Only an address
 * that is a redirect is read so (a report page's ?url= or an archive's /web/…/https://… is not).
 */
function namedTarget(url: URL): string | null {
  if (!isRedirector(url)) return null;
  for (const name of TARGET_PARAMETERS) {
    const value = url.searchParams.get(name);
    if (value !== null && isWeb(value) && new URL(value).host !== url.host) return value;
  }
  // Substack-style: /redirect/2/<base64 JSON with the target in "e">.
  for (const segment of url.pathname.split('/')) {
    if (segment.length < 16) continue;
    const json = base64Json(segment.split('.')[0] ?? '');
    if (typeof json === 'object' && json !== null) {
      const candidate = (json as Record<string, unknown>).e ?? (json as Record<string, unknown>).url;
      if (typeof candidate === 'string' && isWeb(candidate)) return candidate;
    }
  }
  // A target written into the path: /click/https%3A%2F%2Fexample.com%2F… or /c/https://…
  const embedded = /(https?(?::|%3A)(?:\/\/|%2F%2F).+)$/i.exec(url.pathname + url.search);
  if (embedded !== null) {
    let candidate = embedded[1]!;
    try {
      if (/^https?%3A/i.test(candidate)) candidate = decodeURIComponent(candidate);
    } catch {
      return null;
    }
    if (isWeb(candidate) && new URL(candidate).host !== url.host) return candidate;
  }
  return null;
}

/** What a link is: a plain link, a redirect whose target is in its address, or one that hides its target. */
export type LinkKind = { kind: 'plain'; url: string } | { kind: 'redirect'; url: string } | { kind: 'opaque'; url: string };

/** Reads a link: unwraps redirects that name their target (up to three deep). */
export function readLink(href: string): LinkKind {
  if (!isWeb(href)) return { kind: 'plain', url: href };
  let current = href;
  let unwrapped = false;
  for (let depth = 0; depth < 3; depth++) {
    const target = namedTarget(new URL(current));
    if (target === null) break;
    current = target;
    unwrapped = true;
  }
  if (unwrapped) return { kind: 'redirect', url: current };
  const url = new URL(current);
  const trackerHost = hostIn(url.hostname, OPAQUE_TRACKER_HOSTS) || /^(?:click|clicks|link|links|track|trk|email)\./.test(url.hostname);
  const trackerPath = /^\/(?:c|l|r|ls|ss|click|clicks|track|redirect|link|e|t|CL0)\//i.test(url.pathname) || url.hostname === 'stib.ee';
  if (trackerHost && trackerPath) return { kind: 'opaque', url: current };
  return { kind: 'plain', url: current };
}

/** Campaign parameters: `utm_*` and the email services' own subscriber and campaign ids. */
const CAMPAIGN_PARAMETER =
  /^(?:utm_[a-z_]+|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|oly_enc_id|oly_anon_id|vero_id|vero_conv|ck_subscriber_id|__s)$/i;

/** The URL without campaign parameters, and how many it had. */
export function withoutCampaignParameters(href: string): { url: string; removed: number } {
  if (!isWeb(href)) return { url: href, removed: 0 };
  const url = new URL(href);
  const names = [...new Set([...url.searchParams.keys()].filter((name) => CAMPAIGN_PARAMETER.test(name)))];
  if (names.length === 0) return { url: href, removed: 0 };
  for (const name of names) url.searchParams.delete(name);
  return { url: url.href.replace(/\?$/, ''), removed: names.length };
}

/** Whether an image's host is an open tracker's. */
export const isTrackerHost = (src: string) => isWeb(src) && hostIn(new URL(src).hostname, OPEN_TRACKER_HOSTS);
