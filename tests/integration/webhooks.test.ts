import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS } from '../../src/domain/webhook';
import worker from '../../src/index';
import { DEAD_LETTER_QUEUE, DELIVERY_QUEUE } from '../../src/services/webhooks';
import { claimDeliveries, pruneDeliveries, requeueOverdue } from '../../src/storage/webhooks';
import { makeIssue } from '../fixtures/issues';
import { call, editorClient, expectProblem, mintToken } from '../helpers';
import { countingD1, type QueryLog } from '../support/d1-doubles';
import type { EndpointScript, Received } from '../support/webhook-receiver';

/**
 * Webhooks end to end: the admin API, the events each change writes with it, the real local queue
 * (Miniflare's Queues) and this Worker's consumer, and a receiver in Node that verifies every
 * request with the Standard Webhooks reference library. The retry schedule and the dead-letter
 * queue are driven through the queue handler itself (createMessageBatch), since their delays run
 * to hours.
 */

let admin: ReturnType<typeof editorClient>;
let editor: ReturnType<typeof editorClient>;

beforeAll(async () => {
  admin = editorClient(await mintToken('admin'));
  editor = editorClient(await mintToken('editor'));
});

const receiver = env.TEST_WEBHOOK_RECEIVER;
const created: string[] = [];

afterEach(async () => {
  // Each test's endpoints go with it, so later tests' events are not sent to them.
  for (const id of created.splice(0)) await admin(`/api/v1/admin/webhooks/${id}`, { method: 'DELETE' });
});

interface CreatedWebhook {
  id: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  disabled_reason: string | null;
}

interface DeliveryJson {
  id: string;
  event_id: string;
  event: string;
  subject: string | null;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_response: string | null;
  latency_ms: number | null;
  delivered_at: string | null;
}

/** Registers an endpoint of the receiver named `name`, scripted as given. */
async function endpoint(name: string, events: string[], script: Omit<EndpointScript, 'secret'> = {}): Promise<CreatedWebhook> {
  const response = await admin('/api/v1/admin/webhooks', {
    method: 'POST',
    json: { url: `${receiver}/hooks/${name}`, events, description: `test ${name}` },
  });
  expect(response.status).toBe(201);
  const webhook = (await response.json()) as CreatedWebhook;
  created.push(webhook.id);
  await fetch(`${receiver}/endpoints/${name}`, { method: 'PUT', body: JSON.stringify({ ...script, secret: webhook.secret }) });
  return webhook;
}

async function receivedBy(name: string): Promise<Received[]> {
  return (await (await fetch(`${receiver}/received/${name}`)).json()) as Received[];
}

/** Waits (up to `ms`) until the receiver has `count` requests for `name` that it answered 2xx. */
async function waitForAccepted(name: string, count: number, ms = 10_000): Promise<Received[]> {
  for (let waited = 0; waited < ms; waited += 100) {
    const list = await receivedBy(name);
    if (list.filter((r) => r.status < 300).length >= count) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return receivedBy(name);
}

async function deliveriesOf(webhookId: string, query = ''): Promise<DeliveryJson[]> {
  const response = await admin(`/api/v1/admin/webhooks/${webhookId}/deliveries${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { deliveries: DeliveryJson[] }).deliveries;
}

async function newIssue(overrides: Record<string, unknown> = {}) {
  const response = await editor('/api/v1/admin/issues', { method: 'POST', json: makeIssue(overrides) });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; slug: string; version: number };
}

const publish = (id: string) => editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST' });

async function edit(id: string, json: Record<string, unknown>) {
  const current = await editor(`/api/v1/admin/issues/${id}`);
  const etag = current.headers.get('ETag') ?? '';
  const response = await editor(`/api/v1/admin/issues/${id}`, { method: 'PATCH', headers: { 'If-Match': etag }, json });
  expect(response.status).toBe(200);
}

describe('listing deliveries', () => {
  it('refuses a cursor from another list', async () => {
    const webhook = await endpoint('cursor', ['issue.published']);
    const issues = (await (await editor('/api/v1/admin/issues?limit=1')).json()) as { next_cursor: string | null };
    const problem = await expectProblem(await admin(`/api/v1/admin/webhooks/${webhook.id}/deliveries?cursor=${issues.next_cursor}`), 400);
    expect(problem.errors?.[0]?.path).toBe('/cursor');
  });
});

describe('registering endpoints', () => {
  it('answers the secret once, in the Standard Webhooks form, and never lists it', async () => {
    const webhook = await endpoint('register', ['issue.published']);
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ enabled: true, events: ['issue.published'] });
    const listed = await (await admin('/api/v1/admin/webhooks')).text();
    const one = await (await admin(`/api/v1/admin/webhooks/${webhook.id}`)).text();
    expect(listed).toContain(webhook.id);
    for (const text of [listed, one]) {
      expect(text).not.toContain(webhook.secret);
      expect(text).not.toContain('secret');
    }
  });

  it('refuses URLs it will not send to, each with the reason at /url', async () => {
    const refused = [
      'http://hooks.example/x',
      'https://user:pass@hooks.example/x',
      'https://hooks.example/x#frag',
      'https://10.0.0.8/x',
      'https://192.168.1.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00::1]/x',
      'https://printer.local/x',
      'https://printer.local./x',
      'https://metadata.google.internal./computeMetadata/v1/',
      'https://192.0.2.10/x',
      'https://intranet/x',
      'ftp://hooks.example/x',
      'not a url',
    ];
    for (const url of refused) {
      const response = await admin('/api/v1/admin/webhooks', { method: 'POST', json: { url, events: ['issue.published'] } });
      const problem = await expectProblem(response, 400);
      expect(problem.errors?.[0]?.path, url).toBe('/url');
    }
  });

  it('refuses unknown or no events, and fields the server owns', async () => {
    const url = 'https://hooks.example/masthead';
    for (const json of [
      { url, events: [] },
      { url, events: ['issue.deleted'] },
      { url, events: 'issue.published' },
      { url, events: ['issue.published'], secret: 'whsec_mine' },
      { url, events: ['issue.published'], enabled: false },
    ]) {
      await expectProblem(await admin('/api/v1/admin/webhooks', { method: 'POST', json }), 400);
    }
  });

  it('is for admins only', async () => {
    const body = { url: 'https://hooks.example/masthead', events: ['issue.published'] };
    await expectProblem(await editor('/api/v1/admin/webhooks', { method: 'POST', json: body }), 403);
    await expectProblem(await editor('/api/v1/admin/webhooks'), 403);
  });

  it('changes an endpoint by merge patch, and 404s an unknown one', async () => {
    const webhook = await endpoint('patched', ['issue.published']);
    const response = await admin(`/api/v1/admin/webhooks/${webhook.id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ events: ['issue.updated', 'issue.published'], description: 'both' }),
    });
    expect(response.status).toBe(200);
    // Events are kept in the specification's order, whatever order they came in.
    expect(await response.json()).toMatchObject({ events: ['issue.published', 'issue.updated'], description: 'both', url: webhook.url });
    await expectProblem(await admin(`/api/v1/admin/webhooks/wh_${'0'.repeat(32)}`), 404);
    await expectProblem(await admin('/api/v1/admin/webhooks/nope'), 404);
  });
});

describe('delivering events', () => {
  it('sends each issue event, signed, with the issue as the public API shows it', async () => {
    const webhook = await endpoint('lifecycle', ['issue.published', 'issue.updated', 'issue.unpublished', 'issue.archived']);
    const issue = await newIssue();
    expect((await publish(issue.id)).status).toBe(200);
    const publicView = (await (await call(`/api/v1/issues/${encodeURIComponent(issue.slug)}`)).json()) as Record<string, unknown>;
    await edit(issue.id, { title: '고친 제목' });
    expect((await editor(`/api/v1/admin/issues/${issue.id}/unpublish`, { method: 'POST' })).status).toBe(200);
    const list = await waitForAccepted('lifecycle', 3);
    expect(list.every((r) => r.verified)).toBe(true);
    expect(list.map((r) => r.type)).toEqual(['issue.published', 'issue.updated', 'issue.unpublished']);
    const first = list[0]!.body as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(first.data).toEqual({ ...publicView, status: 'published', publish_at: null });
    expect((list[1]!.body as { data: { title: string } }).data.title).toBe('고친 제목');
    expect((list[2]!.body as { data: { status: string } }).data.status).toBe('draft');
    // Each event has its own id; the deliveries say what happened.
    expect(new Set(list.map((r) => r.id)).size).toBe(3);
    const deliveries = await deliveriesOf(webhook.id);
    expect(deliveries.map((d) => [d.event, d.status, d.attempts, d.last_status])).toEqual([
      ['issue.unpublished', 'delivered', 1, 204],
      ['issue.updated', 'delivered', 1, 204],
      ['issue.published', 'delivered', 1, 204],
    ]);
    expect(deliveries.every((d) => d.subject === issue.id && typeof d.latency_ms === 'number')).toBe(true);
  });

  it('sends an issue too large for one event without its HTML, and the publish goes through', async () => {
    await endpoint('large', ['issue.published']);
    // Each quote is six bytes of HTML (&quot;): 1.2 MB of it, within what an issue may hold.
    const issue = await newIssue({ body: '"'.repeat(200_000) });
    expect((await publish(issue.id)).status).toBe(200);
    const [received] = await waitForAccepted('large', 1);
    expect(received?.verified).toBe(true);
    const data = (received!.body as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ id: issue.id, html_omitted: true, status: 'published' });
    expect(data).not.toHaveProperty('html');
  });

  it('sends nothing for an edit of a draft, a refused edit, or an event no one asked for', async () => {
    const webhook = await endpoint('nothing', ['issue.updated']);
    const issue = await newIssue();
    // An edit of a draft is no event; a stale If-Match is refused, and with it its event.
    await edit(issue.id, { title: '초안 수정' });
    await publish(issue.id);
    const stale = await editor(`/api/v1/admin/issues/${issue.id}`, {
      method: 'PATCH',
      headers: { 'If-Match': '"v1"' },
      json: { title: 'x' },
    });
    await expectProblem(stale, 412);
    await edit(issue.id, { title: '발행 후 수정' });
    const list = await waitForAccepted('nothing', 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await receivedBy('nothing')).map((r) => [r.type, (r.body as { data: { title: string } }).data.title])).toEqual([
      ['issue.updated', '발행 후 수정'],
    ]);
    expect(list).toHaveLength(1);
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);
  });

  it('keeps the events about one issue in order while an earlier one is retried', { timeout: 30_000 }, async () => {
    // The first attempt fails (503); the update made meanwhile waits for the publish to go through.
    await endpoint('ordered', ['issue.published', 'issue.updated'], { statuses: [503] });
    const issue = await newIssue();
    await publish(issue.id);
    for (let waited = 0; waited < 5000 && (await receivedBy('ordered')).length === 0; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await edit(issue.id, { title: '순서 확인' });
    const list = await waitForAccepted('ordered', 2, 20_000);
    expect(list.map((r) => [r.type, r.status, r.attempt])).toEqual([
      ['issue.published', 503, 1],
      ['issue.published', 204, 2],
      ['issue.updated', 204, 1],
    ]);
    // A retry keeps the event's id, and is signed afresh.
    expect(list[0]!.id).toBe(list[1]!.id);
    expect(list.every((r) => r.verified)).toBe(true);
  });

  it('sends feedback.created for new feedback, not for a reader changing theirs', async () => {
    await endpoint('feedback', ['feedback.created']);
    const issue = await newIssue();
    await publish(issue.id);
    const send = (rating: number) =>
      call(`/api/v1/issues/${encodeURIComponent(issue.slug)}/feedback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '10.200.0.1' },
        body: JSON.stringify({ rating, comment: '유익했어요' }),
      });
    expect((await send(4)).status).toBe(201);
    expect((await send(5)).status).toBe(200);
    await waitForAccepted('feedback', 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const list = await receivedBy('feedback');
    expect(list).toHaveLength(1);
    expect(list[0]!.body).toMatchObject({
      type: 'feedback.created',
      data: { rating: 4, comment: '유익했어요', issue: { id: issue.id, slug: issue.slug } },
    });
  });

  it('retries a refused delivery, and replays it as a new delivery of the same event', { timeout: 30_000 }, async () => {
    const webhook = await endpoint('replay', ['issue.published'], { statuses: [410], answer: 'x'.repeat(5000) });
    // 410 is a failure like any other: it is retried. Make the retry come through.
    const issue = await newIssue();
    await publish(issue.id);
    const list = await waitForAccepted('replay', 1, 20_000);
    expect(list.map((r) => r.status)).toEqual([410, 204]);
    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, last_status: 204, last_error: null });
    const replay = await admin(`/api/v1/admin/webhooks/${webhook.id}/deliveries/${delivery!.id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    const replayed = (await replay.json()) as DeliveryJson;
    expect(replayed.id).not.toBe(delivery!.id);
    expect(replayed.event_id).toBe(delivery!.event_id);
    const after = await waitForAccepted('replay', 2);
    // webhook-id is the delivery's: kept by its retry, new for the replay (a receiver that drops
    // the ids it has handled takes the replay), whose body is the same event's.
    expect(after.map((r) => [r.id, r.attempt])).toEqual([
      [delivery!.id, 1],
      [delivery!.id, 2],
      [replayed.id, 1],
    ]);
    expect(after[2]!.body).toEqual(after[1]!.body);
    await expectProblem(
      await admin(`/api/v1/admin/webhooks/${webhook.id}/deliveries/dlv_${'0'.repeat(24)}/replay`, { method: 'POST' }),
      404,
    );
  });
});

/** Schedules (or moves the schedule of) an issue: an issue.scheduled event. */
async function scheduleAt(id: string, at: string) {
  expect((await editor(`/api/v1/admin/issues/${id}/publish`, { method: 'POST', json: { at } })).status).toBe(200);
}

/** A delivery made and claimed by hand, for the handler-level tests: returns its message body. */
async function queuedDelivery(name: string, script: Omit<EndpointScript, 'secret'> = {}) {
  const webhook = await endpoint(name, ['issue.scheduled'], script);
  // Hold the real queue off this endpoint: disabled, no delivery is made for it (the event is kept).
  await env.DB.prepare("UPDATE webhooks SET disabled_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").bind(webhook.id).run();
  const issue = await newIssue();
  const scheduled = await editor(`/api/v1/admin/issues/${issue.id}/publish`, { method: 'POST', json: { at: '2099-01-01T00:00:00Z' } });
  expect(scheduled.status).toBe(200);
  const lease = crypto.randomUUID();
  // (the issue's event: one delivery, made and claimed here as the dispatcher would)
  const row = await env.DB.prepare(
    `INSERT INTO webhook_deliveries (id, webhook_id, event_id, subject, status, lease, created_at, next_attempt_at)
     SELECT 'dlv_' || lower(hex(randomblob(12))), ?, id, subject, 'queued', ?, created_at, created_at FROM webhook_events
     WHERE subject = ? AND type = 'issue.scheduled' RETURNING id`,
  )
    .bind(webhook.id, lease, issue.id)
    .first<{ id: string }>();
  await env.DB.prepare('UPDATE webhooks SET disabled_at = NULL WHERE id = ?').bind(webhook.id).run();
  return { webhook, issue, body: { delivery: row!.id, lease } };
}

/**
 * Runs the Worker's queue handler on one message, as Queues would hand it over on its `attempts`th
 * delivery, and reports what the handler did with it. The message is a plain object with the
 * platform's Message interface, because the plugin's createMessageBatch() drops retry() options.
 */
async function runQueue(queue: string, body: unknown, attempts: number, bindings: Partial<Env> = {}) {
  const outcome = { acked: false, retried: [] as (number | undefined)[] };
  const message = {
    id: `m-${crypto.randomUUID()}`,
    timestamp: new Date(),
    attempts,
    body,
    ack: () => void (outcome.acked = true),
    retry: (options?: QueueRetryOptions) => void outcome.retried.push(options?.delaySeconds),
  };
  const batch = { queue, messages: [message], ackAll: () => message.ack(), retryAll: (o?: QueueRetryOptions) => message.retry(o) };
  const ctx = createExecutionContext();
  await worker.queue(batch as unknown as MessageBatch, { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return outcome;
}

describe('retries, the dead-letter queue and disabling', () => {
  it('retries a failed attempt after the delay its attempt number gives, counted on the delivery', async () => {
    const { webhook, body } = await queuedDelivery('backoff', { statuses: [500, 500, 500], answer: `${'오류'.repeat(3000)}` });
    // The message's own count does not matter: a message sent again after a loss starts at 1.
    for (const [messageAttempts, attempt] of [
      [1, 1],
      [1, 2],
      [7, 3],
    ] as const) {
      const result = await runQueue(DELIVERY_QUEUE, body, messageAttempts);
      expect(result.retried).toEqual([RETRY_DELAYS_SECONDS[attempt - 1]]);
      expect(result.acked).toBe(false);
    }
    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({ status: 'queued', attempts: 3, last_status: 500, last_error: 'answered 500' });
    // Only a short excerpt of the answer is kept.
    expect(delivery?.last_response).toBe('오류'.repeat(100));
    const listed = (await (await admin(`/api/v1/admin/webhooks/${webhook.id}`)).json()) as { failing_since: string | null };
    expect(listed.failing_since).not.toBeNull();
  });

  it('marks a dead-lettered delivery failed, and lets the next about the issue go', async () => {
    const { webhook, body, issue } = await queuedDelivery('dead', { statuses: [500] });
    await runQueue(DELIVERY_QUEUE, body, 1);
    // A second event about the same issue waits behind the first, which is being retried.
    await scheduleAt(issue.id, '2099-02-01T00:00:00Z');
    expect((await deliveriesOf(webhook.id)).map((d) => d.status)).toEqual(['pending', 'queued']);
    const result = await runQueue(DEAD_LETTER_QUEUE, body, 1);
    expect(result.acked).toBe(true);
    const [delivery] = await deliveriesOf(webhook.id, '?status=failed');
    expect(delivery?.id).toBe(body.delivery);
    expect(delivery?.last_error).toMatch(/^answered 500 \(retries exhausted /);
    // The failed one no longer holds the next: it goes out through the queue.
    const list = await waitForAccepted('dead', 1);
    expect(list.map((r) => [r.status, (r.body as { data: { publish_at: string } } | null)?.data.publish_at])).toEqual([
      [500, '2099-01-01T00:00:00.000Z'],
      [204, '2099-02-01T00:00:00.000Z'],
    ]);
    // A message whose lease is not the delivery's any more does nothing.
    const stale = await runQueue(DELIVERY_QUEUE, { ...body, lease: 'old' }, 1);
    expect(stale).toEqual({ acked: true, retried: [] });
    expect((await receivedBy('dead')).length).toBe(2);
  });

  it('disables an endpoint failing for five days when a delivery runs out, says why, and sends what waited once enabled', async () => {
    const { webhook, body, issue } = await queuedDelivery('disabled', { statuses: [502] });
    const sixDaysAgo = new Date(Date.now() - 6 * 24 * 60 * 60 * 1000).toISOString();
    await env.DB.prepare('UPDATE webhooks SET failing_since = ? WHERE id = ?').bind(sixDaysAgo, webhook.id).run();
    // A failed attempt alone is retried, however long the endpoint has been failing.
    expect(await runQueue(DELIVERY_QUEUE, body, 3)).toEqual({ acked: false, retried: [RETRY_DELAYS_SECONDS[0]] });
    expect(((await (await admin(`/api/v1/admin/webhooks/${webhook.id}`)).json()) as CreatedWebhook).enabled).toBe(true);
    // Its retries spent, the delivery fails, and the endpoint with it.
    await runQueue(DEAD_LETTER_QUEUE, body, 1);
    const listed = (await (await admin(`/api/v1/admin/webhooks/${webhook.id}`)).json()) as CreatedWebhook;
    expect(listed.enabled).toBe(false);
    expect(listed.disabled_reason).toBe(
      `Every attempt since ${sixDaysAgo} failed; the last delivery to run out of retries was ${body.delivery}.`,
    );
    // What happens meanwhile is not queued for it (no backlog piles up; its event is kept)...
    const from = new Date().toISOString();
    await scheduleAt(issue.id, '2099-03-01T00:00:00Z');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await deliveriesOf(webhook.id)).map((d) => d.status)).toEqual(['failed']);
    const recoverWhileDisabled = await admin(`/api/v1/admin/webhooks/${webhook.id}/recover`, {
      method: 'POST',
      json: { from, to: new Date(Date.now() + 1000).toISOString() },
    });
    expect(recoverWhileDisabled.status).toBe(409);
    const enabled = await admin(`/api/v1/admin/webhooks/${webhook.id}`, { method: 'PATCH', json: { enabled: true } });
    expect(await enabled.json()).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await receivedBy('disabled')).map((r) => r.status)).toEqual([502]);
    // ...until an admin recovers that period, within the retention: then it goes out, once.
    const period = { from, to: new Date(Date.now() + 1000).toISOString() };
    const recovered = await admin(`/api/v1/admin/webhooks/${webhook.id}/recover`, { method: 'POST', json: period });
    expect(recovered.status).toBe(202);
    expect(await recovered.json()).toEqual({ recovered: 1 });
    const list = await waitForAccepted('disabled', 1);
    expect(list.map((r) => r.status)).toEqual([502, 204]);
    expect(await (await admin(`/api/v1/admin/webhooks/${webhook.id}/recover`, { method: 'POST', json: period })).json()).toEqual({
      recovered: 0,
    });
    const tooOld = await admin(`/api/v1/admin/webhooks/${webhook.id}/recover`, {
      method: 'POST',
      json: { from: '2020-01-01T00:00:00Z', to: period.to },
    });
    expect(((await tooOld.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['/from']);
  });

  it('records an endpoint that cannot be reached, and one the setting no longer allows', async () => {
    const { webhook, body } = await queuedDelivery('unreachable');
    await env.DB.prepare('UPDATE webhooks SET url = ? WHERE id = ?').bind('http://127.0.0.1:9/hooks/none', webhook.id).run();
    await runQueue(DELIVERY_QUEUE, body, 1);
    expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ status: 'queued', last_status: null, attempts: 1 });
    expect((await deliveriesOf(webhook.id))[0]?.last_error).toMatch(/^could not connect/);
    await runQueue(DELIVERY_QUEUE, body, 2, { OUTBOUND_ALLOW_LOCAL: 'off' });
    expect((await deliveriesOf(webhook.id))[0]?.last_error).toMatch(/^not sent: the URL must not be on this machine/);
  });
});

describe('backlogs and lost messages', () => {
  it('fails a delivery for good when its attempts are spent, whichever message made the last one', async () => {
    const { webhook, body } = await queuedDelivery('spent', { statuses: [500] });
    await env.DB.prepare('UPDATE webhook_deliveries SET attempts = ? WHERE id = ?')
      .bind(MAX_ATTEMPTS - 1, body.delivery)
      .run();
    // A message sent again after a loss is its queue's first attempt: it does not start the count over.
    const result = await runQueue(DELIVERY_QUEUE, body, 1);
    expect(result).toEqual({ acked: true, retried: [] });
    expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
  });

  it('does not take an attempt under way for a lost message, and a message whose lease was taken over does nothing', async () => {
    const { webhook, body } = await queuedDelivery('overlap', { statuses: [500] });
    // Claimed long ago, its message late: an attempt starts now and marks itself under way.
    await env.DB.prepare('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?')
      .bind(new Date(Date.now() - 60 * 60 * 1000).toISOString(), body.delivery)
      .run();
    await runQueue(DELIVERY_QUEUE, body, 1);
    expect(await requeueOverdue(env.DB, new Date(Date.now() - 15 * 60 * 1000).toISOString())).toBe(0);
    // Lost for real (its retry time long past): taken back, and the old message no longer attempts.
    await env.DB.prepare('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?')
      .bind(new Date(Date.now() - 60 * 60 * 1000).toISOString(), body.delivery)
      .run();
    expect(await requeueOverdue(env.DB, new Date(Date.now() - 15 * 60 * 1000).toISOString())).toBe(1);
    const before = (await receivedBy('overlap')).length;
    expect(await runQueue(DELIVERY_QUEUE, body, 2)).toEqual({ acked: true, retried: [] });
    expect((await receivedBy('overlap')).length).toBe(before);
    expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ attempts: 1 });
  });

  it('forgets deliveries past the retention, pending ones too, and the events left with none', async () => {
    const { webhook, body } = await queuedDelivery('pruned', { statuses: [500] });
    const old = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000).toISOString();
    const { event_id } = (await env.DB.prepare('SELECT event_id FROM webhook_deliveries WHERE id = ?').bind(body.delivery).first<{
      event_id: string;
    }>())!;
    await env.DB.prepare("UPDATE webhook_deliveries SET status = 'pending', lease = NULL, created_at = ? WHERE id = ?")
      .bind(old, body.delivery)
      .run();
    await env.DB.prepare('UPDATE webhook_events SET created_at = ? WHERE id = ?').bind(old, event_id).run();
    await pruneDeliveries(env.DB, new Date(Date.now() - 30 * 24 * 60 * 60 * 1000).toISOString());
    expect(await deliveriesOf(webhook.id)).toEqual([]);
    expect(await env.DB.prepare('SELECT 1 FROM webhook_events WHERE id = ?').bind(event_id).first()).toBeNull();
  });

  it('claims a batch reading about a batch of rows, however many deliveries wait', async () => {
    const { webhook } = await queuedDelivery('backlog');
    await env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_id, subject, status, created_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
       SELECT 'dlv_wait_' || i, ?, (SELECT event_id FROM webhook_deliveries WHERE webhook_id = ? LIMIT 1), 'waiting-' || i, 'pending', '2026-12-01T00:00:00.000Z' FROM n`,
    )
      .bind(webhook.id, webhook.id)
      .run();
    const log: QueryLog[] = [];
    const claimed = await claimDeliveries(countingD1(env.DB, log), new Date().toISOString(), 100);
    expect(claimed).toHaveLength(100);
    // 3,000 wait; a claim of 100 reads the first 100 in order, and their chains, not all of them.
    expect(log[0]!.rowsRead).toBeLessThan(1_000);
  });
});

describe('backlogs, second round', () => {
  it('attempts once when the same message is handed over twice at the same time', async () => {
    const { webhook, body } = await queuedDelivery('twice', { statuses: [500, 500] });
    const both = await Promise.all([runQueue(DELIVERY_QUEUE, body, 1), runQueue(DELIVERY_QUEUE, body, 1)]);
    expect(both.filter((outcome) => outcome.retried.length > 0)).toHaveLength(1);
    expect((await receivedBy('twice')).length).toBe(1);
    expect((await deliveriesOf(webhook.id))[0]).toMatchObject({ attempts: 1 });
  });

  it('recovers no event older than what the endpoint already has about the issue, nor one from before it existed', async () => {
    const webhook = await endpoint('order', ['issue.scheduled']);
    const from = new Date(Date.now() - 1000).toISOString();
    await admin(`/api/v1/admin/webhooks/${webhook.id}`, { method: 'PATCH', json: { enabled: false } });
    const issue = await newIssue();
    await scheduleAt(issue.id, '2099-01-01T00:00:00Z'); // while disabled: not queued
    await admin(`/api/v1/admin/webhooks/${webhook.id}`, { method: 'PATCH', json: { enabled: true } });
    await scheduleAt(issue.id, '2099-02-01T00:00:00Z'); // a newer event about the same issue: sent
    await waitForAccepted('order', 1);
    const period = { from, to: new Date(Date.now() + 1000).toISOString() };
    const recovered = await admin(`/api/v1/admin/webhooks/${webhook.id}/recover`, { method: 'POST', json: period });
    expect(await recovered.json()).toEqual({ recovered: 0 });
    // An endpoint made after those events recovers none of them.
    const later = await endpoint('later', ['issue.scheduled']);
    const none = await admin(`/api/v1/admin/webhooks/${later.id}/recover`, { method: 'POST', json: period });
    expect(await none.json()).toEqual({ recovered: 0 });
  });

  it('drops what was still pending when an endpoint is disabled, so enabling it floods nothing', async () => {
    const webhook = await endpoint('flood', ['issue.scheduled']);
    await env.DB.prepare(
      "INSERT INTO webhook_events (id, type, payload, created_at) VALUES ('evt_flood', 'issue.scheduled', '{}', '2026-12-01T00:00:00.000Z')",
    ).run();
    await env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_id, subject, status, created_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
       SELECT 'dlv_flood_' || i, ?, 'evt_flood', 'flood-' || i, 'pending', '2026-12-01T00:00:00.000Z' FROM n`,
    )
      .bind(webhook.id)
      .run();
    expect(await deliveriesOf(webhook.id, '?limit=100')).toHaveLength(50);
    await admin(`/api/v1/admin/webhooks/${webhook.id}`, { method: 'PATCH', json: { enabled: false } });
    expect(await deliveriesOf(webhook.id)).toEqual([]);
  });
});
