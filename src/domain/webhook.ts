import * as v from 'valibot';
import { toBase64 } from './hashing';
import { isLoopbackHost, publicHostProblem } from './outbound';
import { CONTROL_CHARS, strictObject, URL_UNSAFE, URL_UNSAFE_MESSAGE } from './validation';

/**
 * Webhooks, shaped to the Standard Webhooks specification (https://www.standardwebhooks.com/):
 * each POST carries `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` and the base64
 * HMAC-SHA256 of `id.timestamp.body` under the endpoint's secret), and a JSON body of
 * `{type, timestamp, data}`, so receivers verify it with any library written for the specification.
 */

export const WEBHOOK_EVENTS = [
  'issue.published',
  'issue.updated',
  'issue.unpublished',
  'issue.archived',
  'issue.scheduled',
  'feedback.created',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const DELIVERY_STATUSES = ['pending', 'queued', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The delays before each retry of a failed delivery, in seconds: eleven attempts over about 24
 * hours (the last retry goes 23 h 42 min after the first attempt). Queues retries a message at most
 * `max_retries` times (wrangler.toml: one per delay here), then moves it to the dead-letter queue.
 * Each is within Queues' 12-hour limit on a retry's delay.
 */
export const RETRY_DELAYS_SECONDS = [5, 30, 120, 600, 1_800, 3_600, 7_200, 14_400, 28_800, 28_800] as const;

/** Every attempt a delivery gets: the first and one per retry delay (counted on the delivery, not its queue message). */
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** The delay before retry number `attempt` (1 after the first failed attempt). */
export function retryDelaySeconds(attempt: number): number {
  const index = Math.min(Math.max(attempt, 1), RETRY_DELAYS_SECONDS.length) - 1;
  return RETRY_DELAYS_SECONDS[index]!;
}

/** An endpoint whose attempts have all failed for this long is disabled (as Svix and Stripe do, in days). */
export const DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

/** How long one attempt may take, answer included. */
export const ATTEMPT_TIMEOUT_MS = 15_000;

/** A recovery (POST …/webhooks/{id}/recover): the period whose events an enabled endpoint is sent. */
export const RecoverInputSchema = strictObject({
  from: v.pipe(v.string('must be a string'), v.isoTimestamp('must be an RFC 3339 time with its zone')),
  to: v.pipe(v.string('must be a string'), v.isoTimestamp('must be an RFC 3339 time with its zone')),
});
export type RecoverInput = v.InferOutput<typeof RecoverInputSchema>;

/** A recovery's answer: how many deliveries it made. */
export const RecoveredSchema = v.object({ recovered: v.number() });

/** How much of an endpoint's answer is kept, in characters: enough to tell an error page. */
export const RESPONSE_EXCERPT_CHARS = 200;

/** Deliveries (and their events) are kept this long after they were created, then forgotten. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** A new endpoint's secret: `whsec_` and the base64 of 32 random bytes (the specification's form). */
export function generateWebhookSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * Where a webhook may be sent: an `https:` URL to a public host name (not an IP literal in a
 * private, loopback or link-local range, nor `localhost` or a `.local`/`.internal` name), without
 * credentials or a fragment. With `allowLocal` (OUTBOUND_ALLOW_LOCAL, which `npm run dev` turns on),
 * also `http:` or `https:` to localhost, 127.0.0.1 or [::1], to try a receiver on one's own machine.
 * Returns the URL as parsed, or the reason it is refused. Checked when an endpoint is saved and
 * again before each attempt (the setting may have changed since). A public name that resolves to
 * an inside address is not caught here: on Cloudflare, a Worker's fetch cannot reach one.
 */
export function webhookTarget(value: string, allowLocal: boolean): { ok: true; url: string } | { ok: false; reason: string } {
  if (URL_UNSAFE.test(value)) return { ok: false, reason: URL_UNSAFE_MESSAGE };
  if (!URL.canParse(value)) return { ok: false, reason: 'must be an absolute URL such as https://hooks.example/masthead' };
  const url = new URL(value);
  const local = isLoopbackHost(url.hostname);
  if (local && !allowLocal) {
    return {
      ok: false,
      reason: 'must not be on this machine (localhost is allowed only where OUTBOUND_ALLOW_LOCAL is on, as under npm run dev)',
    };
  }
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    return { ok: false, reason: `must use https:${allowLocal ? ' (http: only for localhost, 127.0.0.1 and [::1])' : ''}` };
  }
  // An empty user part (`https://@hooks.example/`) is dropped by the parser: refused as written.
  if (url.username !== '' || url.password !== '' || /^[a-z][a-z\d+.-]*:\/*[^/?#]*@/i.test(value))
    return { ok: false, reason: 'must not carry credentials: the signature authenticates us' };
  if (url.hash !== '' || value.includes('#')) return { ok: false, reason: 'must not have a fragment' };
  if (!local) {
    const refused = publicHostProblem(url.hostname);
    if (refused !== null) return { ok: false, reason: refused };
  }
  return { ok: true, url: url.href };
}

/**
 * An endpoint's URL as a request gives it: an absolute URL. Where it may point (webhookTarget)
 * depends on a setting, so the service checks that.
 */
const UrlSchema = v.pipe(
  v.string('must be a string'),
  v.maxLength(2000, 'must be at most 2000 characters'),
  v.check((s) => !URL_UNSAFE.test(s), URL_UNSAFE_MESSAGE),
  v.check((s) => URL.canParse(s), 'must be an absolute URL such as https://hooks.example/masthead'),
);

const EventsSchema = v.pipe(
  v.array(v.picklist(WEBHOOK_EVENTS, `must each be one of ${WEBHOOK_EVENTS.join(', ')}`), 'must be an array of event types'),
  v.minLength(1, 'must name at least one event'),
  v.transform((events) => WEBHOOK_EVENTS.filter((event) => events.includes(event))),
);

const DescriptionSchema = v.pipe(
  v.string('must be a string'),
  v.maxLength(500, 'must be at most 500 characters'),
  v.check((s) => !CONTROL_CHARS.test(s), 'must not contain control characters'),
);

/** Fields the server owns: refused in a request body with a message of their own. */
const READ_ONLY = new Set(['id', 'secret', 'created_at', 'updated_at', 'failing_since', 'disabled_at', 'disabled_reason', 'last_delivery']);

/** A new endpoint (`POST /api/v1/admin/webhooks`). */
export const WebhookInputSchema = strictObject(
  { url: UrlSchema, events: EventsSchema, description: v.optional(DescriptionSchema, '') },
  READ_ONLY,
);
export type WebhookInput = v.InferOutput<typeof WebhookInputSchema>;

/** A change to an endpoint: its URL, events, description, or `enabled` (true turns a disabled one back on). */
export const WebhookPatchSchema = strictObject(
  {
    url: v.optional(UrlSchema),
    events: v.optional(EventsSchema),
    description: v.optional(DescriptionSchema),
    enabled: v.optional(v.boolean('must be true or false')),
  },
  READ_ONLY,
);
export type WebhookPatch = v.InferOutput<typeof WebhookPatchSchema>;

/** An endpoint as stored. */
export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  description: string;
  secret: string;
  created_at: string;
  updated_at: string;
  failing_since: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
}

/** An endpoint as admins see it: without its secret (shown once, when it is created). */
export const WebhookSchema = v.object({
  id: v.string(),
  url: v.string(),
  events: v.array(v.picklist(WEBHOOK_EVENTS)),
  description: v.string(),
  enabled: v.boolean(),
  created_at: v.string(),
  updated_at: v.string(),
  failing_since: v.nullable(v.string()),
  disabled_at: v.nullable(v.string()),
  disabled_reason: v.nullable(v.string()),
});

/** The answer to a create: the endpoint with its secret, which is not shown again. */
export const CreatedWebhookSchema = v.object({ ...WebhookSchema.entries, secret: v.string() });
export const WebhookListSchema = v.object({ webhooks: v.array(WebhookSchema) });

/** One event's delivery to one endpoint, as admins see it. */
export const DeliverySchema = v.object({
  id: v.string(),
  /** The event's id: the `webhook-id` header, the same on every attempt and replay. */
  event_id: v.string(),
  event: v.picklist(WEBHOOK_EVENTS),
  /** The issue the event is about, if any. */
  subject: v.nullable(v.string()),
  status: v.picklist(DELIVERY_STATUSES),
  attempts: v.number(),
  created_at: v.string(),
  next_attempt_at: v.nullable(v.string()),
  last_attempt_at: v.nullable(v.string()),
  /** The HTTP status of the last attempt, or null when none came (a timeout, a refused connection). */
  last_status: v.nullable(v.number()),
  last_error: v.nullable(v.string()),
  /** The first characters of the last answer's body. */
  last_response: v.nullable(v.string()),
  /** How long the last attempt took, in milliseconds. */
  latency_ms: v.nullable(v.number()),
  delivered_at: v.nullable(v.string()),
});
export type Delivery = v.InferOutput<typeof DeliverySchema>;
export const DeliveryListSchema = v.object({ deliveries: v.array(DeliverySchema), next_cursor: v.nullable(v.string()) });

/** What the queue carries: the delivery, and the lease that lets this message act for it. */
export interface DeliveryMessage {
  delivery: string;
  lease: string;
}

export function isDeliveryMessage(body: unknown): body is DeliveryMessage {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as DeliveryMessage).delivery === 'string' &&
    typeof (body as DeliveryMessage).lease === 'string'
  );
}

/** The body every endpoint receives (the specification's recommended shape). */
export function eventBody(type: WebhookEvent, timestamp: string, data: unknown): string {
  return JSON.stringify({ type, timestamp, data });
}

/** The secret's key bytes: the base64 after `whsec_`. */
function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const binary = atob(secret.replace(/^whsec_/, ''));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * The Standard Webhooks headers of one attempt: the signature is `v1,` and the base64 of
 * HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed with the secret's bytes; the timestamp is the
 * attempt's, in whole seconds, so receivers can refuse a replayed old request.
 */
export async function signatureHeaders(secret: string, id: string, at: Date, body: string): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = await crypto.subtle.importKey('raw', secretBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${toBase64(new Uint8Array(mac))}` };
}
