import type { RequestContext } from '../config';
import { type Cursor, encodeCursor } from '../domain/cursor';
import type { Feedback } from '../domain/feedback';
import type { Issue } from '../domain/issue';
import { keysetPage } from '../domain/pages';
import type { Action } from '../domain/status';
import {
  ATTEMPT_TIMEOUT_MS,
  DELIVERY_RETENTION_MS,
  type Delivery,
  type DeliveryStatus,
  DISABLE_AFTER_MS,
  eventBody,
  generateWebhookSecret,
  isDeliveryMessage,
  MAX_ATTEMPTS,
  RESPONSE_EXCERPT_CHARS,
  type RecoverInput,
  retryDelaySeconds,
  signatureHeaders,
  type Webhook,
  type WebhookEvent,
  type WebhookInput,
  type WebhookPatch,
  webhookTarget,
} from '../domain/webhook';
import { conflict, invalidInput, notFound } from '../http/problem';
import { publicIssue } from '../render/issue-json';
import {
  changeWebhook,
  claimDeliveries,
  deleteWebhook,
  dropPending,
  eventStatements,
  findDelivery,
  findDeliveryWork,
  findWebhook,
  insertReplay,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  markFailed,
  pruneDeliveries,
  recordAttempt,
  recoverDeliveries,
  releaseDeliveries,
  requeueOverdue,
  startAttempt,
  disableWebhook as storeDisabled,
  type WebhookChange,
} from '../storage/webhooks';
import { readerView } from './reading';

/** The queues wrangler.toml names: the deliveries, and where Queues moves those whose retries are spent. */
export const DELIVERY_QUEUE = 'masthead-webhooks';
export const DEAD_LETTER_QUEUE = 'masthead-webhooks-dlq';

/** A queued delivery whose message is this late is taken for lost and sent again. */
const LOST_AFTER_MS = 15 * 60 * 1000;

/** At most this many deliveries are claimed and sent to the queue at once (Queues' sendBatch limit is 100). */
const CLAIM_BATCH = 100;

// ---------------------------------------------------------------------------------------------
// Endpoints (admins)

/** An endpoint as admins see it: never its secret. */
export function webhookJson(webhook: Webhook) {
  const { secret: _secret, ...rest } = webhook;
  return { ...rest, enabled: webhook.disabled_at === null };
}

/** The URL an endpoint may have here, or 400 at `/url` saying why not. */
function allowedUrl(context: RequestContext, url: string): string {
  const checked = webhookTarget(url, context.outboundAllowLocal);
  if (!checked.ok) throw invalidInput([{ path: '/url', message: checked.reason }], 'The webhook URL is not one we send to; see `errors`.');
  return checked.url;
}

export async function createWebhook(context: RequestContext, input: WebhookInput): Promise<Webhook> {
  const now = context.now().toISOString();
  const webhook: Webhook = {
    id: `wh_${crypto.randomUUID().replaceAll('-', '')}`,
    url: allowedUrl(context, input.url),
    events: input.events,
    description: input.description,
    secret: generateWebhookSecret(),
    created_at: now,
    updated_at: now,
    failing_since: null,
    disabled_at: null,
    disabled_reason: null,
  };
  await insertWebhook(context.db, webhook);
  return webhook;
}

export async function getWebhook(context: RequestContext, id: string): Promise<Webhook> {
  const webhook = await findWebhook(context.db, id);
  if (webhook === null) throw notFound(`No webhook has the id ${id}.`);
  return webhook;
}

export function listAllWebhooks(context: RequestContext): Promise<Webhook[]> {
  return listWebhooks(context.db);
}

/**
 * Changes an endpoint. `enabled: true` turns a disabled one back on (its run of failures starts
 * afresh); `enabled: false` stops its deliveries: those still pending are dropped (an admin
 * recovers a period once it is enabled again), and new events are not queued for it.
 */
export async function updateWebhook(context: RequestContext, id: string, patch: WebhookPatch): Promise<Webhook> {
  const current = await getWebhook(context, id);
  const now = context.now().toISOString();
  const change: WebhookChange = { updated_at: now };
  if (patch.url !== undefined) {
    change.url = allowedUrl(context, patch.url);
    // A new address starts a new record: the old one's failures are not its own.
    if (change.url !== current.url) change.failing_since = null;
  }
  if (patch.events !== undefined) change.events = patch.events;
  if (patch.description !== undefined) change.description = patch.description;
  if (patch.enabled === true && current.disabled_at !== null) {
    Object.assign(change, { disabled_at: null, disabled_reason: null, failing_since: null });
  } else if (patch.enabled === false && current.disabled_at === null) {
    Object.assign(change, { disabled_at: now, disabled_reason: 'Disabled by an admin.' });
  }
  const next = await changeWebhook(context.db, id, change);
  if (next === null) throw notFound(`No webhook has the id ${id}.`);
  if (change.disabled_at !== undefined && change.disabled_at !== null) await context.db.batch([dropPending(context.db, id)]);
  if (next.disabled_at === null) context.defer(dispatchDeliveries(context));
  return next;
}

/** Removes an endpoint and its deliveries (messages already queued for it are dropped unsent). */
export async function removeWebhook(context: RequestContext, id: string): Promise<Webhook> {
  const webhook = await getWebhook(context, id);
  await deleteWebhook(context.db, id);
  return webhook;
}

// ---------------------------------------------------------------------------------------------
// Events (written with the change they report)

/**
 * The event an issue's change is, if any: a publish (by an editor or the schedule), a schedule, an
 * unpublish (of a published or a scheduled issue), an archive, or an edit while published (its
 * content, or a revision restored).
 */
export function issueEventOf(before: Issue, after: Issue, action: Action): WebhookEvent | null {
  switch (action) {
    case 'publish':
      return 'issue.published';
    case 'schedule':
      return 'issue.scheduled';
    case 'unpublish':
      return 'issue.unpublished';
    case 'archive':
      return 'issue.archived';
    case 'update':
    case 'restore':
      return before.status === 'published' && after.status === 'published' ? 'issue.updated' : null;
    case 'create':
      return null;
  }
}

/**
 * An event body is stored in one D1 row (at most 2,000,000 bytes) in the change's own batch, so a
 * body past this many UTF-8 bytes would fail the editor's write: its issue goes without `html`.
 */
export const MAX_EVENT_BYTES = 1_000_000;

/**
 * The body of an issue event: the issue as the public API shows it (with its HTML), and the status
 * and schedule a receiver needs. An issue too large for one event is sent without its HTML, with
 * `html_omitted: true` (its `url` serves it, once published).
 */
function issueEventBody(context: RequestContext, type: WebhookEvent, at: string, issue: Issue): string {
  const data = { ...publicIssue(context.site, issue), status: issue.status, publish_at: issue.publish_at };
  const body = eventBody(type, at, data);
  if (utf8.encode(body).byteLength <= MAX_EVENT_BYTES) return body;
  const { html: _html, ...rest } = data;
  return eventBody(type, at, { ...rest, html_omitted: true });
}

const utf8 = new TextEncoder();

const newEventId = () => `msg_${crypto.randomUUID().replaceAll('-', '')}`;

/**
 * The statements that record the webhook event of an issue's change and its deliveries, for the
 * change's own batch (none when the change is no event, or no endpoint asked for it).
 */
export async function issueEventStatements(
  context: RequestContext,
  before: Issue,
  after: Issue,
  action: Action,
): Promise<D1PreparedStatement[]> {
  const type = issueEventOf(before, after, action);
  if (type === null) return [];
  // As readers see it: without the files that were taken down.
  const [shown = after] = await readerView(context, [after]);
  const at = context.now().toISOString();
  return eventStatements(context.db, {
    id: newEventId(),
    type,
    subject: after.id,
    payload: issueEventBody(context, type, at, shown),
    created_at: at,
  });
}

/**
 * The statements that record `feedback.created` for the batch that stores feedback: they write
 * only if the row is new (feedback that replaces the same reader's earlier one is no new event).
 */
export function feedbackEventStatements(context: RequestContext, feedback: Feedback, issue: Issue): D1PreparedStatement[] {
  const at = context.now().toISOString();
  const data = { ...feedback, issue: { id: issue.id, slug: issue.slug, title: issue.title, url: publicIssue(context.site, issue).url } };
  return eventStatements(
    context.db,
    { id: newEventId(), type: 'feedback.created', subject: null, payload: eventBody('feedback.created', at, data), created_at: at },
    { onlyIfFeedback: feedback.id },
  );
}

// ---------------------------------------------------------------------------------------------
// Dispatch: from D1 to the queue

/**
 * Claims the deliveries that may go now and sends them to the queue. Runs after each change (after
 * the response), after each finished delivery (the next about the same issue may go), and from the
 * cron (which also takes back queued deliveries whose message was lost). Never throws.
 */
export async function dispatchDeliveries(context: RequestContext): Promise<number> {
  let sent = 0;
  try {
    for (;;) {
      const claims = await claimDeliveries(context.db, context.now().toISOString(), CLAIM_BATCH);
      if (claims.length === 0) break;
      try {
        await context.webhooks.sendBatch(
          claims.map((claim) => ({ body: { delivery: claim.id, lease: claim.lease }, contentType: 'json' })),
        );
        sent += claims.length;
      } catch (error) {
        console.warn(`webhooks: could not queue ${claims.length} deliveries; they wait for the next dispatch: ${String(error)}`);
        await releaseDeliveries(context.db, claims);
        break;
      }
      if (claims.length < CLAIM_BATCH) break;
    }
  } catch (error) {
    console.warn(`webhooks: dispatch failed; the cron will try again: ${String(error)}`);
  }
  return sent;
}

/** The cron's part: takes back lost messages, sends what may go, and forgets old deliveries. */
export async function webhookUpkeep(context: RequestContext): Promise<number> {
  const now = context.now().getTime();
  const requeued = await requeueOverdue(context.db, new Date(now - LOST_AFTER_MS).toISOString());
  if (requeued > 0) console.warn(`webhooks: ${requeued} queued deliveries were overdue (their message was lost); sending them again`);
  const sent = await dispatchDeliveries(context);
  await pruneDeliveries(context.db, new Date(now - DELIVERY_RETENTION_MS).toISOString());
  return sent;
}

// ---------------------------------------------------------------------------------------------
// The consumer: one attempt per message

/** The outcome of one POST. */
interface Outcome {
  delivered: boolean;
  status: number | null;
  error: string | null;
  response: string | null;
  latencyMs: number;
}

/** Reads at most RESPONSE_EXCERPT_CHARS characters of an answer, then lets the rest go. */
async function excerpt(response: Response): Promise<string | null> {
  if (response.body === null) return null;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < RESPONSE_EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const trimmed = text.slice(0, RESPONSE_EXCERPT_CHARS);
  return trimmed === '' ? null : trimmed;
}

/** POSTs one signed attempt; never throws (a network failure or a timeout is an outcome). */
async function attempt(context: RequestContext, work: { webhook: Webhook; deliveryId: string; payload: string }): Promise<Outcome> {
  const started = Date.now();
  const target = webhookTarget(work.webhook.url, context.outboundAllowLocal);
  if (!target.ok) return { delivered: false, status: null, error: `not sent: the URL ${target.reason}`, response: null, latencyMs: 0 };
  try {
    // webhook-id is the delivery's: the same for each of its retries, a new one for a replay.
    const headers = await signatureHeaders(work.webhook.secret, work.deliveryId, context.now(), work.payload);
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json', 'User-Agent': 'Masthead-Webhooks/1' },
      body: work.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    const body = await excerpt(response).catch(() => null);
    const latencyMs = Date.now() - started;
    const delivered = response.status >= 200 && response.status < 300;
    const error = delivered
      ? null
      : response.status >= 300 && response.status < 400
        ? `answered ${response.status}: redirects are not followed; register the final URL`
        : `answered ${response.status}`;
    return { delivered, status: response.status, error, response: body, latencyMs };
  } catch (error) {
    const latencyMs = Date.now() - started;
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const message = timedOut ? `no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s` : `could not connect: ${String(error)}`;
    return { delivered: false, status: null, error: message.slice(0, 500), response: null, latencyMs };
  }
}

/** What the consumer did with a message. */
type Handled = 'delivered' | 'retry' | 'held' | 'stale' | 'failed';

/** One message of the delivery queue: the attempt, recorded; a failure is retried with backoff. */
async function handleDelivery(context: RequestContext, message: Message<unknown>): Promise<Handled> {
  if (!isDeliveryMessage(message.body)) {
    console.warn(`webhooks: dropping a message that is not a delivery (${message.id})`);
    message.ack();
    return 'stale';
  }
  const { delivery: id, lease } = message.body;
  const work = await findDeliveryWork(context.db, id);
  // Deleted with its endpoint, done already, or taken over by a newer message: nothing to do.
  if (work === null || work.status !== 'queued' || work.lease !== lease) {
    message.ack();
    return 'stale';
  }
  if (work.webhook.disabled_at !== null) {
    await releaseDeliveries(context.db, [{ id, lease }]);
    message.ack();
    return 'held';
  }
  // Under way until past its timeout: the cron does not take it for a lost message meanwhile.
  const startedAt = context.now();
  const until = new Date(startedAt.getTime() + ATTEMPT_TIMEOUT_MS + 60_000).toISOString();
  // (A message may come a little before its time: 30 s of slack.)
  if (!(await startAttempt(context.db, id, lease, new Date(startedAt.getTime() + 30_000).toISOString(), until))) {
    message.ack();
    return 'stale';
  }
  const outcome = await attempt(context, { webhook: work.webhook, deliveryId: id, payload: work.payload });
  const now = context.now();
  // Counted on the delivery, not the message: a message sent again after a loss does not start over.
  const attempts = work.attempts + 1;
  const delay = retryDelaySeconds(attempts);
  const recorded = await recordAttempt(
    context.db,
    { id, lease, webhookId: work.webhook.id },
    {
      at: now.toISOString(),
      status: outcome.status,
      error: outcome.error,
      response: outcome.response,
      latencyMs: outcome.latencyMs,
      delivered: outcome.delivered,
      nextAttemptAt: outcome.delivered ? null : new Date(now.getTime() + delay * 1000).toISOString(),
    },
  );
  if (outcome.delivered || !recorded) {
    message.ack();
    return outcome.delivered ? 'delivered' : 'stale';
  }
  if (attempts >= MAX_ATTEMPTS) {
    // Its retries are spent, whichever message made the last attempt: failed, as the dead-letter queue does.
    message.ack();
    await failForGood(context, id, lease);
    return 'failed';
  }
  message.retry({ delaySeconds: delay });
  return 'retry';
}

/**
 * The delivery queue's consumer. Messages of one batch are different issues' (only the first
 * waiting delivery per endpoint and issue is ever queued), so they go out at once. A delivery
 * that is done lets the next about the same issue go.
 */
export async function consumeDeliveries(context: RequestContext, batch: MessageBatch<unknown>): Promise<void> {
  const handled = await Promise.all(
    batch.messages.map((message) =>
      handleDelivery(context, message).catch((error: unknown) => {
        console.warn(`webhooks: delivery message ${message.id} failed: ${String(error)}`);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        return 'retry' as const;
      }),
    ),
  );
  if (handled.includes('delivered') || handled.includes('failed')) await dispatchDeliveries(context);
}

/**
 * A delivery whose retries are spent: failed, for good, and the next about the same issue may go.
 * An endpoint that has failed every attempt for DISABLE_AFTER_MS when one of its deliveries runs
 * out is disabled, with the reason. True when the delivery was still under this lease.
 */
async function failForGood(context: RequestContext, delivery: string, lease: string): Promise<boolean> {
  const now = context.now();
  const webhookId = await markFailed(context.db, delivery, lease, now.toISOString());
  if (webhookId === null) return false;
  console.warn(`webhooks: delivery ${delivery} failed for good after its last retry`);
  const failingSince = (await findWebhook(context.db, webhookId))?.failing_since ?? null;
  if (failingSince !== null && now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_MS) {
    const reason = `Every attempt since ${failingSince} failed; the last delivery to run out of retries was ${delivery}.`;
    await storeDisabled(context.db, webhookId, now.toISOString(), reason);
    console.warn(`webhooks: disabled ${webhookId}: ${reason}`);
  }
  return true;
}

/**
 * The dead-letter queue's consumer: deliveries whose retries are spent (a day of failed attempts)
 * are marked failed, for good, and the next about the same issue may go. An endpoint that has
 * failed every attempt for DISABLE_AFTER_MS when one of its deliveries runs out is disabled, with
 * the reason; its other deliveries wait until it is enabled again.
 */
export async function consumeDeadLetters(context: RequestContext, batch: MessageBatch<unknown>): Promise<void> {
  let finished = false;
  for (const message of batch.messages) {
    if (isDeliveryMessage(message.body) && (await failForGood(context, message.body.delivery, message.body.lease))) finished = true;
    message.ack();
  }
  if (finished) await dispatchDeliveries(context);
}

// ---------------------------------------------------------------------------------------------
// Deliveries (admins)

function deliveryJson(row: Delivery & { seq?: number }): Delivery {
  const { seq: _seq, ...delivery } = row;
  return delivery;
}

export async function listWebhookDeliveries(
  context: RequestContext,
  webhookId: string,
  options: { status?: DeliveryStatus; after: Cursor | null; limit: number },
): Promise<{ deliveries: Delivery[]; next: string | null }> {
  await getWebhook(context, webhookId);
  const { items, next } = await keysetPage(
    options.limit,
    (limit) => listDeliveries(context.db, webhookId, { ...options, limit }),
    (last) => encodeCursor({ at: last.created_at, id: last.id, seq: last.seq }),
  );
  return { deliveries: items.map(deliveryJson), next };
}

/**
 * Sends a delivered or failed delivery again, as a new delivery of the same event, after any
 * still waiting for the issue. A new delivery has a new `webhook-id` (a receiver that drops the
 * ids it has handled takes it); its body is the event's, the same as before.
 */
export async function replayDelivery(context: RequestContext, webhookId: string, deliveryId: string): Promise<Delivery> {
  const webhook = await getWebhook(context, webhookId);
  const original = await findDelivery(context.db, webhookId, deliveryId);
  if (original === null) throw notFound(`The webhook ${webhookId} has no delivery ${deliveryId}.`);
  if (original.status === 'pending' || original.status === 'queued') {
    throw conflict(
      'delivery-in-progress',
      `The delivery ${deliveryId} is still ${original.status}; replay it once it is delivered or failed.`,
    );
  }
  const id = await insertReplay(
    context.db,
    { webhookId, eventId: original.event_id, subject: original.subject },
    context.now().toISOString(),
  );
  if (webhook.disabled_at === null) context.defer(dispatchDeliveries(context));
  const replay = await findDelivery(context.db, webhookId, id);
  if (replay === null) throw new Error('the replayed delivery is missing');
  return deliveryJson(replay);
}

/**
 * Sends an enabled endpoint the events of a period it has no delivery of (those while it was
 * disabled), within the retention; they go in their order, after anything still waiting.
 */
export async function recoverEvents(context: RequestContext, webhookId: string, input: RecoverInput): Promise<{ recovered: number }> {
  const webhook = await getWebhook(context, webhookId);
  if (webhook.disabled_at !== null) {
    throw conflict('invalid-transition', `The webhook ${webhookId} is disabled: enable it first (PATCH {"enabled": true}), then recover.`);
  }
  const from = new Date(input.from);
  const to = new Date(input.to);
  const oldest = new Date(context.now().getTime() - DELIVERY_RETENTION_MS);
  const errors = [
    ...(from >= to ? [{ path: '/to', message: 'must be after /from' }] : []),
    ...(from < oldest
      ? [
          {
            path: '/from',
            message: `must be within the retention (${DELIVERY_RETENTION_MS / 86_400_000} days): at or after ${oldest.toISOString()}`,
          },
        ]
      : []),
  ];
  if (errors.length > 0) throw invalidInput(errors, 'The period cannot be recovered; see `errors`.');
  const recovered = await recoverDeliveries(context.db, webhookId, from.toISOString(), to.toISOString(), context.now().toISOString());
  if (recovered > 0) context.defer(dispatchDeliveries(context));
  return { recovered };
}
