import * as v from 'valibot';
import { toBase64url } from './hashing';
import { SlugSchema, TagSchema } from './issue';
import { CONTROL_CHARS, strictObject, URL_UNSAFE, URL_UNSAFE_MESSAGE } from './validation';

/** The widgets a partner embeds: one issue by slug, the newest issue, or a list of the newest. */
export const WIDGETS = ['issue', 'latest', 'list'] as const;
export type Widget = (typeof WIDGETS)[number];

/**
 * A partner's public key reads `pk_` and 22 URL-safe characters (128 random bits). It is not a
 * secret: it is in every snippet the partner pastes, and only labels the usage its widgets bring.
 */
const PARTNER_KEY = /^pk_[A-Za-z0-9_-]{22}$/;

export function generatePartnerKey(): string {
  return `pk_${toBase64url(crypto.getRandomValues(new Uint8Array(16)))}`;
}

export const isPartnerKey = (value: string) => PARTNER_KEY.test(value);

const LOOPBACK = new Set(['localhost', '127.0.0.1']);

/**
 * A host name as CSP host-sources can hold it: ASCII labels of letters, digits and hyphens (an IDN
 * in its punycode form, as the URL parser writes it), or an IPv4 address; no trailing dot. Not an
 * IPv6 literal (CSP cannot express one), and nothing the URL parser lets through that CSP reads
 * as syntax: `*` (from `%2A`), `;`, `,`, quotes.
 */
const CSP_HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether a serialized origin is one CSP `frame-ancestors` can name, and names exactly. */
export function isFrameAncestor(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin && CSP_HOST.test(url.hostname);
}

/**
 * An origin that may frame our embeds, as CSP `frame-ancestors` takes it: `https://host[:port]`,
 * or `http://` for a loopback host (a partner trying the widget on its own machine). The origin
 * alone: no path, query, fragment, credentials or wildcard. Returns the serialized origin, or the
 * reason it is refused.
 */
export function partnerOrigin(value: string): { ok: true; origin: string } | { ok: false; reason: string } {
  if (URL_UNSAFE.test(value)) return { ok: false, reason: URL_UNSAFE_MESSAGE };
  if (!URL.canParse(value)) return { ok: false, reason: 'must be an origin such as https://partner.example' };
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return { ok: false, reason: 'must use https: (http: only for localhost and 127.0.0.1)' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not carry credentials' };
  if (value.includes('*') || url.hostname.includes('*')) return { ok: false, reason: 'must name one origin: wildcards are not accepted' };
  if (!isFrameAncestor(url.origin)) {
    return { ok: false, reason: 'must have a host name of letters, digits, hyphens and dots, or an IPv4 address' };
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || /[?#]/.test(value)) {
    return { ok: false, reason: `must be the origin alone (${url.origin}), without a path, query or fragment` };
  }
  // Written as the browser writes it (lower case, ASCII or punycode, no default port), or refused:
  // a fullwidth letter or ":443" would otherwise be stored as another spelling than the one sent.
  if (value !== url.origin && value !== `${url.origin}/`) {
    return { ok: false, reason: `must be written as the browser writes the origin: ${url.origin}` };
  }
  return { ok: true, origin: url.origin };
}

const OriginSchema = v.pipe(
  v.string('must be a string'),
  v.maxLength(300, 'must be at most 300 characters'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = partnerOrigin(dataset.value);
    if (checked.ok) return checked.origin;
    addIssue({ message: checked.reason });
    return NEVER;
  }),
);

const text = (max: number) =>
  v.pipe(
    v.string('must be a string'),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check((s) => !CONTROL_CHARS.test(s) && s.isWellFormed(), 'must not contain control characters'),
  );

const PARTNER_FIELDS = {
  name: v.pipe(text(100), v.trim(), v.minLength(1, 'must not be empty')),
  origins: v.pipe(
    v.array(OriginSchema, 'must be an array of origins'),
    v.maxLength(20, 'must list at most 20 origins'),
    v.transform((origins) => [...new Set(origins)]),
  ),
  notes: v.optional(text(2000), ''),
};

/** Fields the server owns: refused in a request body with a message of their own. */
const READ_ONLY = new Set(['id', 'key', 'created_at', 'updated_at', 'removed_at']);

/** A new partner (`POST /api/v1/admin/partners`). */
export const PartnerInputSchema = strictObject(PARTNER_FIELDS, READ_ONLY);
export type PartnerInput = v.InferOutput<typeof PartnerInputSchema>;

/** A change to some of a partner's fields (JSON Merge Patch: absent fields stay). */
export const PartnerPatchSchema = strictObject(
  { name: v.optional(PARTNER_FIELDS.name), origins: v.optional(PARTNER_FIELDS.origins), notes: v.optional(text(2000)) },
  READ_ONLY,
);
export type PartnerPatch = v.InferOutput<typeof PartnerPatchSchema>;

/** A partner as stored and as admins see it. */
export const PartnerSchema = v.object({
  id: v.string(),
  key: v.string(),
  name: v.string(),
  origins: v.array(v.string()),
  notes: v.string(),
  created_at: v.string(),
  updated_at: v.string(),
  removed_at: v.nullable(v.string()),
});
export type Partner = v.InferOutput<typeof PartnerSchema>;

/** `GET /api/v1/admin/partners?removed=`: current partners, or removed ones too. */
export const PartnerListQuerySchema = v.object({ removed: v.optional(v.picklist(['include'], 'must be include')) });
export const PartnerListSchema = v.object({ partners: v.array(PartnerSchema) });

/** `GET /api/v1/admin/partners/{id}/snippet?widget=&slug=&tag=&view=&theme=&limit=`: what to paste. */
export const SnippetQuerySchema = v.object({
  widget: v.optional(v.picklist(WIDGETS, `must be one of ${WIDGETS.join(', ')}`), 'latest'),
  slug: v.optional(SlugSchema),
  tag: v.optional(TagSchema),
  view: v.optional(v.picklist(['full', 'card'], 'must be full or card')),
  theme: v.optional(v.picklist(['light', 'dark', 'auto'], 'must be light, dark or auto')),
  limit: v.optional(v.pipe(v.string(), v.regex(/^(?:[1-9]|10)$/, 'must be a whole number from 1 to 10'), v.transform(Number))),
});
