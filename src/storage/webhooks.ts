import type { Cursor } from '../domain/cursor';
import type { Delivery, DeliveryStatus, Webhook, WebhookEvent } from '../domain/webhook';
import type { Db } from './db';

interface WebhookRow extends Omit<Webhook, 'events'> {
  events: string;
}

const WEBHOOK_COLUMNS = 'id, url, events, description, secret, created_at, updated_at, failing_since, disabled_at, disabled_reason';

const fromRow = (row: WebhookRow): Webhook => ({ ...row, events: JSON.parse(row.events) as WebhookEvent[] });

export async function listWebhooks(db: Db): Promise<Webhook[]> {
  const { results } = await db.prepare(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id`).all<WebhookRow>();
  return results.map(fromRow);
}

export async function findWebhook(db: Db, id: string): Promise<Webhook | null> {
  const row = await db.prepare(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?`).bind(id).first<WebhookRow>();
  return row === null ? null : fromRow(row);
}

/** Stores a new endpoint (changes go through changeWebhook, which never touches the secret). */
export async function insertWebhook(db: Db, webhook: Webhook): Promise<void> {
  await db
    .prepare(`INSERT INTO webhooks (${WEBHOOK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .bind(
      webhook.id,
      webhook.url,
      JSON.stringify(webhook.events),
      webhook.description,
      webhook.secret,
      webhook.created_at,
      webhook.updated_at,
      webhook.failing_since,
      webhook.disabled_at,
      webhook.disabled_reason,
    )
    .run();
}

const CHANGEABLE = new Set(['url', 'events', 'description', 'failing_since', 'disabled_at', 'disabled_reason', 'updated_at']);

/** The columns a change to an endpoint may set. */
export type WebhookChange = Partial<
  Pick<Webhook, 'url' | 'events' | 'description' | 'failing_since' | 'disabled_at' | 'disabled_reason'>
> & {
  updated_at: string;
};

/**
 * Sets only the columns given (a change never writes back what it did not mean to change, such as
 * a disable the consumer made meanwhile). Returns the endpoint after it, or null when there is none.
 */
export async function changeWebhook(db: Db, id: string, change: WebhookChange): Promise<Webhook | null> {
  const entries = Object.entries(change)
    .filter(([column]) => CHANGEABLE.has(column))
    .map(([column, value]) => [column, column === 'events' ? JSON.stringify(value) : value] as const);
  const row = await db
    .prepare(`UPDATE webhooks SET ${entries.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ? RETURNING ${WEBHOOK_COLUMNS}`)
    .bind(...entries.map(([, value]) => value), id)
    .first<WebhookRow>();
  return row === null ? null : fromRow(row);
}

/** Removes an endpoint and its deliveries (their events go with the next pruning). */
export async function deleteWebhook(db: Db, id: string): Promise<void> {
  await db.prepare('DELETE FROM webhooks WHERE id = ?').bind(id).run();
}

/** An event to record: its `webhook-id`, type, subject (an issue id) and the body every endpoint gets. */
export interface NewEvent {
  id: string;
  type: WebhookEvent;
  subject: string | null;
  payload: string;
  created_at: string;
}

/**
 * The statements that record an event and a pending delivery to every enabled endpoint that asked
 * for its type, for the batch of the change the event reports (nothing is written when no endpoint
 * asked). A disabled endpoint gets no delivery; the event is kept for the retention, so that an
 * admin can recover the period once the endpoint is enabled again (recoverDeliveries).
 * With `onlyIfFeedback`, only when that feedback row exists (a new piece, not a replaced one).
 */
export function eventStatements(db: Db, event: NewEvent, options: { onlyIfFeedback?: string } = {}): D1PreparedStatement[] {
  const feedbackCheck = options.onlyIfFeedback === undefined ? '' : ' AND EXISTS (SELECT 1 FROM feedback WHERE id = ?6)';
  const binds = [event.id, event.type, event.subject, event.payload, event.created_at];
  return [
    db
      .prepare(
        `INSERT INTO webhook_events (id, type, subject, payload, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5
         WHERE EXISTS (SELECT 1 FROM webhooks w, json_each(w.events) e WHERE e.value = ?2)${feedbackCheck}`,
      )
      .bind(...binds, ...(options.onlyIfFeedback === undefined ? [] : [options.onlyIfFeedback])),
    db
      .prepare(
        `INSERT INTO webhook_deliveries (id, webhook_id, event_id, subject, status, created_at)
         SELECT 'dlv_' || lower(hex(randomblob(12))), w.id, ?1, ?3, 'pending', ?4
         FROM webhooks w
         WHERE w.disabled_at IS NULL
           AND EXISTS (SELECT 1 FROM json_each(w.events) e WHERE e.value = ?2)
           AND EXISTS (SELECT 1 FROM webhook_events WHERE id = ?1)
         ORDER BY w.id`,
      )
      .bind(event.id, event.type, event.subject, event.created_at),
  ];
}

/**
 * Claims the deliveries that may go now, at most `limit`: pending ones to an enabled endpoint that
 * have no earlier delivery to the same endpoint about the same issue still pending or queued (so
 * the events about one issue arrive in order). Each gets a fresh lease; returns them to send.
 */
export async function claimDeliveries(db: Db, now: string, limit: number): Promise<{ id: string; lease: string }[]> {
  const { results } = await db
    .prepare(
      `UPDATE webhook_deliveries SET status = 'queued', lease = lower(hex(randomblob(12))), next_attempt_at = ?1
       WHERE seq IN (
         SELECT d.seq FROM webhook_deliveries d INDEXED BY webhook_deliveries_pending JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.status = 'pending' AND w.disabled_at IS NULL
           AND NOT EXISTS (
             SELECT 1 FROM webhook_deliveries e
             WHERE e.webhook_id = d.webhook_id AND e.subject = d.subject AND e.seq < d.seq AND e.status IN ('pending', 'queued'))
         ORDER BY d.seq LIMIT ?2)
       RETURNING id, lease`,
    )
    .bind(now, limit)
    .all<{ id: string; lease: string }>();
  return results;
}

/** Puts claimed deliveries back to pending (their messages could not be sent, or their endpoint is disabled). */
export async function releaseDeliveries(db: Db, claims: readonly { id: string; lease: string }[]): Promise<void> {
  if (claims.length === 0) return;
  await db.batch(
    claims.map((claim) =>
      db
        .prepare("UPDATE webhook_deliveries SET status = 'pending', lease = NULL WHERE id = ? AND lease = ? AND status = 'queued'")
        .bind(claim.id, claim.lease),
    ),
  );
}

/**
 * Queued deliveries whose message is overdue by far (it was lost: the send after the claim failed,
 * or the queue dropped it) go back to pending, to be claimed and sent again with a new lease.
 */
export async function requeueOverdue(db: Db, before: string): Promise<number> {
  const result = await db
    .prepare("UPDATE webhook_deliveries SET status = 'pending', lease = NULL WHERE status = 'queued' AND next_attempt_at < ?")
    .bind(before)
    .run();
  return result.meta.changes ?? 0;
}

/** A delivery with what an attempt needs: its endpoint and its event. */
export interface DeliveryWork {
  id: string;
  status: DeliveryStatus;
  lease: string | null;
  attempts: number;
  event_id: string;
  payload: string;
  webhook: Webhook;
}

export async function findDeliveryWork(db: Db, id: string): Promise<DeliveryWork | null> {
  const row = await db
    .prepare(
      `SELECT d.id, d.status, d.lease, d.attempts, d.event_id, ev.payload,
              w.id AS w_id, w.url, w.events, w.description, w.secret, w.created_at, w.updated_at, w.failing_since,
              w.disabled_at, w.disabled_reason
       FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN webhook_events ev ON ev.id = d.event_id
       WHERE d.id = ?`,
    )
    .bind(id)
    .first<Omit<DeliveryWork, 'webhook'> & Omit<WebhookRow, 'id'> & { w_id: string }>();
  if (row === null) return null;
  const { id: deliveryId, status, lease, attempts, event_id, payload, w_id, ...webhook } = row;
  return { id: deliveryId, status, lease, attempts, event_id, payload, webhook: fromRow({ ...webhook, id: w_id }) };
}

/** What one attempt came to. */
export interface AttemptRecord {
  at: string;
  status: number | null;
  error: string | null;
  response: string | null;
  latencyMs: number;
  delivered: boolean;
  /** When a failed delivery is tried next (the queue's retry). */
  nextAttemptAt: string | null;
}

/**
 * Records an attempt made under `lease`, and the endpoint's run of failures with it (a success ends
 * the run). Returns whether the lease was still the delivery's (else another message took over and
 * this attempt's outcome is not recorded).
 */
export async function recordAttempt(
  db: Db,
  delivery: { id: string; lease: string; webhookId: string },
  attempt: AttemptRecord,
): Promise<boolean> {
  const [update] = await db.batch([
    db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?1, last_status = ?2, last_error = ?3,
           last_response = ?4, latency_ms = ?5, status = CASE WHEN ?6 THEN 'delivered' ELSE status END,
           delivered_at = CASE WHEN ?6 THEN ?1 ELSE delivered_at END, next_attempt_at = ?7
         WHERE id = ?8 AND lease = ?9 AND status = 'queued'`,
      )
      .bind(
        attempt.at,
        attempt.status,
        attempt.error,
        attempt.response,
        attempt.latencyMs,
        attempt.delivered ? 1 : 0,
        attempt.nextAttemptAt,
        delivery.id,
        delivery.lease,
      ),
    attempt.delivered
      ? db.prepare('UPDATE webhooks SET failing_since = NULL WHERE id = ?').bind(delivery.webhookId)
      : db.prepare('UPDATE webhooks SET failing_since = COALESCE(failing_since, ?) WHERE id = ?').bind(attempt.at, delivery.webhookId),
  ]);
  return (update?.meta.changes ?? 0) > 0;
}

/** Disables an endpoint that has failed since `failingSince` or earlier, saying why. */
export async function disableWebhook(db: Db, id: string, at: string, reason: string): Promise<void> {
  await db.batch([
    db
      .prepare('UPDATE webhooks SET disabled_at = ?, disabled_reason = ?, updated_at = ? WHERE id = ? AND disabled_at IS NULL')
      .bind(at, reason, at, id),
    dropPending(db, id),
  ]);
}

/**
 * The statement that drops an endpoint's deliveries still pending, when it is disabled: they would
 * all go at once when it is enabled again (the events stay: an admin recovers a period instead).
 */
export function dropPending(db: Db, webhookId: string): D1PreparedStatement {
  return db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending'").bind(webhookId);
}

/**
 * A delivery whose retries are spent (the dead-letter queue's consumer): failed, for good. Returns
 * its endpoint's id, or null when the lease was not the delivery's (nothing changed).
 */
export async function markFailed(db: Db, id: string, lease: string, at: string): Promise<string | null> {
  const row = await db
    .prepare(
      `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL,
         last_error = COALESCE(last_error, 'no attempt succeeded') || ' (retries exhausted ' || ? || ')'
       WHERE id = ? AND lease = ? AND status = 'queued'
       RETURNING webhook_id`,
    )
    .bind(at, id, lease)
    .first<{ webhook_id: string }>();
  return row?.webhook_id ?? null;
}

interface DeliveryRow extends Omit<Delivery, 'event'> {
  event: WebhookEvent;
  seq: number;
}

const DELIVERY_COLUMNS = `d.seq, d.id, d.event_id, ev.type AS event, d.subject, d.status, d.attempts, d.created_at, d.next_attempt_at,
  d.last_attempt_at, d.last_status, d.last_error, d.last_response, d.latency_ms, d.delivered_at`;

/** An endpoint's deliveries, newest first, of one status or all. */
export async function listDeliveries(
  db: Db,
  webhookId: string,
  options: { status?: DeliveryStatus; after: Cursor | null; limit: number },
): Promise<DeliveryRow[]> {
  const where = ['d.webhook_id = ?'];
  const binds: unknown[] = [webhookId];
  if (options.status !== undefined) {
    where.push('d.status = ?');
    binds.push(options.status);
  }
  if (options.after?.seq !== undefined) {
    where.push('d.seq < ?');
    binds.push(options.after.seq);
  }
  const { results } = await db
    .prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id
       WHERE ${where.join(' AND ')} ORDER BY d.seq DESC LIMIT ?`,
    )
    .bind(...binds, options.limit)
    .all<DeliveryRow>();
  return results;
}

export async function findDelivery(db: Db, webhookId: string, id: string): Promise<DeliveryRow | null> {
  return db
    .prepare(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id WHERE d.webhook_id = ? AND d.id = ?`,
    )
    .bind(webhookId, id)
    .first<DeliveryRow>();
}

/** A new pending delivery of the same event to the same endpoint (a replay); returns its id. */
export async function insertReplay(
  db: Db,
  original: { webhookId: string; eventId: string; subject: string | null },
  at: string,
): Promise<string> {
  const row = await db
    .prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_id, subject, status, created_at)
       VALUES ('dlv_' || lower(hex(randomblob(12))), ?, ?, ?, 'pending', ?) RETURNING id`,
    )
    .bind(original.webhookId, original.eventId, original.subject, at)
    .first<{ id: string }>();
  if (row === null) throw new Error('the replay insert returned no row');
  return row.id;
}

/**
 * Forgets deliveries created before `before` (delivered, failed, or still pending for an endpoint
 * disabled since: past the retention they are not sent), and events left with none. A queued one,
 * whose message is in flight, stays until it is done.
 */
export async function pruneDeliveries(db: Db, before: string): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM webhook_deliveries WHERE created_at < ? AND status IN ('delivered', 'failed', 'pending')").bind(before),
    db
      .prepare(
        'DELETE FROM webhook_events WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)',
      )
      .bind(before),
  ]);
}

/**
 * Marks an attempt as under way under `lease` (until `until`, past its timeout), so that the cron
 * does not take it for a lost message and send it again meanwhile. False when the lease is no
 * longer the delivery's (another message took over) or an attempt is already under way (the same
 * message handed over twice): this one must not attempt.
 */
export async function startAttempt(db: Db, id: string, lease: string, now: string, until: string): Promise<boolean> {
  // Only one message under the lease may start: another one handed over at the same time (Queues
  // delivers at least once) finds the attempt under way, its time not yet due.
  const result = await db
    .prepare(
      "UPDATE webhook_deliveries SET next_attempt_at = ?1 WHERE id = ?2 AND lease = ?3 AND status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?4)",
    )
    .bind(until, id, lease, now)
    .run();
  return (result.meta.changes ?? 0) > 0;
}

/**
 * New pending deliveries to an endpoint of the events of its types created in [from, to), since it
 * exists, that it has no delivery of (those while it was disabled, say), in their order, leaving
 * out any older than what it already has about the same issue; returns how many.
 */
export async function recoverDeliveries(db: Db, webhookId: string, from: string, to: string, at: string): Promise<number> {
  const result = await db
    .prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_id, subject, status, created_at)
       SELECT 'dlv_' || lower(hex(randomblob(12))), w.id, ev.id, ev.subject, 'pending', ?4
       FROM webhook_events ev JOIN webhooks w ON w.id = ?1
       WHERE ev.created_at >= ?2 AND ev.created_at < ?3 AND ev.created_at >= w.created_at
         AND EXISTS (SELECT 1 FROM json_each(w.events) e WHERE e.value = ev.type)
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.event_id = ev.id)
         -- Not behind what the endpoint already has about the same issue: an older event sent after a
         -- newer one would leave the receiver with a state that is no longer the issue's.
         AND NOT EXISTS (
           SELECT 1 FROM webhook_deliveries d JOIN webhook_events later ON later.id = d.event_id
           WHERE d.webhook_id = w.id AND d.subject IS ev.subject AND later.created_at > ev.created_at)
       ORDER BY ev.created_at, ev.id`,
    )
    .bind(webhookId, from, to, at)
    .run();
  return result.meta.changes ?? 0;
}
