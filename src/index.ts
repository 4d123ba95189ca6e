import { contextFrom, type RequestContext } from './config';
import { MAX_IMPORT_BYTES } from './domain/email-import';
import { MAX_MEDIA_BYTES } from './domain/media';
import { MAX_BODY_BYTES } from './http/body';
import { bodyLimit } from './http/body-limit';
import { corsHeaders, corsPreflight } from './http/cors';
import { errorBoundary } from './http/error-boundary';
import { headAsGet } from './http/head';
import { compose } from './http/middleware';
import { securityHeaders } from './http/security-headers';
import { buildRouter, IMPORT_PATH, MEDIA_UPLOAD_PATH } from './router';
import { runScheduled } from './services/maintenance';
import { consumeDeadLetters, consumeDeliveries, DEAD_LETTER_QUEUE } from './services/webhooks';

/** Durable Object classes this Worker defines (wrangler.toml binds them). */
export { UsageCounter } from './objects/usage-counter';

const router = buildRouter();

/** The largest body a request may send: media uploads and imports have their own limits. */
const limitFor = (request: Request) => {
  const path = new URL(request.url).pathname;
  return path === MEDIA_UPLOAD_PATH ? MAX_MEDIA_BYTES : path === IMPORT_PATH ? MAX_IMPORT_BYTES : MAX_BODY_BYTES;
};

const EDITOR_PREFIX = '/api/v1/admin/';
/** The D1 Sessions API bookmark an editor sends back to read their own writes. */
const BOOKMARK_HEADER = 'Masthead-Bookmark';

/**
 * Every request's way through the Worker, outermost first: HEAD answered as GET without the body;
 * the security headers on every answer; CORS headers on the public reads' answers; errors turned
 * into problem+json; the body limit at the door; CORS preflights; then the router.
 */
function handle(request: Request, context: RequestContext, ctx: ExecutionContext): Promise<Response> {
  const chain = compose(
    [headAsGet, securityHeaders, corsHeaders, errorBoundary(context.site.url), bodyLimit(limitFor), corsPreflight],
    (routed) => router.fetch(routed, context, ctx),
  );
  return chain(request);
}

export default {
  async fetch(request, env, ctx) {
    const isEditor = new URL(request.url).pathname.startsWith(EDITOR_PREFIX);
    // Editors read their own writes: their session starts at the bookmark they were given.
    const sent = isEditor ? request.headers.get(BOOKMARK_HEADER) : null;
    const bookmark = sent !== null && /^[0-9a-f-]{1,200}$/i.test(sent) ? sent : null;
    const context = contextFrom(env, ctx, bookmark ?? (isEditor ? 'first-primary' : 'first-unconstrained'));
    const response = await handle(request, context, ctx);
    const after = isEditor ? context.bookmark() : null;
    if (after !== null) response.headers.set(BOOKMARK_HEADER, after);
    return response;
  },

  /** The cron trigger: the due schedules, and the upkeep of indexes, caches and records (services/maintenance.ts). */
  async scheduled(controller, env, ctx) {
    // The trigger's own time is "now", so a late or replayed run publishes what was due at its time.
    const context: RequestContext = { ...contextFrom(env, ctx), now: () => new Date(controller.scheduledTime) };
    await runScheduled(context);
  },

  /** Webhook deliveries (services/webhooks.ts): the delivery queue and its dead-letter queue. */
  async queue(batch, env, ctx) {
    const context = contextFrom(env, ctx, 'first-primary');
    if (batch.queue === DEAD_LETTER_QUEUE) await consumeDeadLetters(context, batch);
    else await consumeDeliveries(context, batch);
  },
} satisfies ExportedHandler<Env>;
