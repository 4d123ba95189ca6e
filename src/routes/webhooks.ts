import type { IRequest } from 'itty-router';
import type * as v from 'valibot';
import type { RequestContext } from '../config';
import { INVALID_CURSOR } from '../domain/cursor';
import type { DeliveryListQuerySchema } from '../domain/queries';
import type { RecoverInput, WebhookInput, WebhookPatch } from '../domain/webhook';
import { invalidInput } from '../http/problem';
import { json } from '../http/respond';
import {
  createWebhook,
  getWebhook,
  listAllWebhooks,
  listWebhookDeliveries,
  recoverEvents,
  removeWebhook,
  replayDelivery,
  updateWebhook,
  webhookJson,
} from '../services/webhooks';
import { webhookParam } from './params';

/** `POST /api/v1/admin/webhooks`: a new endpoint; the answer holds its secret, which is not shown again. */
export async function create(_request: IRequest, context: RequestContext, { body }: { body: WebhookInput }): Promise<Response> {
  const webhook = await createWebhook(context, body);
  return json(
    { ...webhookJson(webhook), secret: webhook.secret },
    { status: 201, policy: 'editor', headers: { Location: `/api/v1/admin/webhooks/${webhook.id}` } },
  );
}

/** `GET /api/v1/admin/webhooks`: every endpoint, oldest first, each saying whether it is enabled and why not. */
export async function list(_request: IRequest, context: RequestContext): Promise<Response> {
  return json({ webhooks: (await listAllWebhooks(context)).map(webhookJson) }, { policy: 'editor' });
}

export async function read(request: IRequest, context: RequestContext): Promise<Response> {
  return json(webhookJson(await getWebhook(context, webhookParam(request))), { policy: 'editor' });
}

/** `PATCH /api/v1/admin/webhooks/{id}`: URL, events, description, or enabled. */
export async function patch(request: IRequest, context: RequestContext, { body }: { body: WebhookPatch }): Promise<Response> {
  return json(webhookJson(await updateWebhook(context, webhookParam(request), body)), { policy: 'editor' });
}

/** `DELETE /api/v1/admin/webhooks/{id}`: the endpoint and its deliveries; answers the removed endpoint. */
export async function remove(request: IRequest, context: RequestContext): Promise<Response> {
  return json(webhookJson(await removeWebhook(context, webhookParam(request))), { policy: 'editor' });
}

/** `GET /api/v1/admin/webhooks/{id}/deliveries?status=&limit=&cursor=`: newest first. */
export async function deliveries(
  request: IRequest,
  context: RequestContext,
  { query }: { query: v.InferOutput<typeof DeliveryListQuerySchema> },
): Promise<Response> {
  // A cursor from another list (an issues page, say) has no place in this one.
  if (query.cursor !== undefined && query.cursor !== null && query.cursor.seq === undefined) throw invalidInput([INVALID_CURSOR]);
  const { deliveries, next } = await listWebhookDeliveries(context, webhookParam(request), {
    ...(query.status === undefined ? {} : { status: query.status }),
    after: query.cursor ?? null,
    limit: query.limit,
  });
  return json({ deliveries, next_cursor: next }, { policy: 'editor' });
}

/** `POST /api/v1/admin/webhooks/{id}/deliveries/{delivery}/replay`: the same event, sent again. */
export async function replay(request: IRequest, context: RequestContext): Promise<Response> {
  const delivery = await replayDelivery(context, webhookParam(request), webhookParam(request, 'delivery'));
  return json(delivery, { status: 202, policy: 'editor' });
}

/** `POST /api/v1/admin/webhooks/{id}/recover`: the events of a period it missed (while disabled), sent now. */
export async function recover(request: IRequest, context: RequestContext, { body }: { body: RecoverInput }): Promise<Response> {
  return json(await recoverEvents(context, webhookParam(request), body), { status: 202, policy: 'editor' });
}
