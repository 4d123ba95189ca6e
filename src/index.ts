import { type App, appFrom } from './config';
import { bodyLimit } from './http/body-limit';
import { CACHE_POLICY } from './http/cache-policy';
import { allowsCors, CORS_HEADERS, preflight } from './http/cors';
import { HttpError, problemResponse, unavailable } from './http/problem';
import { secureHeaders } from './http/security-headers';
import { buildRouter } from './router';
import { reconcileVersionHint } from './services/content-version';
import { publishDue } from './services/publishing';
import { rerenderStale } from './services/rerender';
import { indexPendingGrams } from './services/search-index';
import { sendDuePings } from './services/websub';
import { StorageUnavailable } from './storage/db';
import { pruneIdempotencyKeys } from './storage/idempotency';

const router = buildRouter();

const EDITOR_PREFIX = '/api/v1/admin/';
/** The D1 Sessions API bookmark an editor sends back to read their own writes. */
const BOOKMARK_HEADER = 'Masthead-Bookmark';

/** Idempotency keys are kept this long, then a retry is treated as a new request. */
const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * What a 503 can truthfully say. A read changed nothing. A write's batch may have committed before
 * its answer was lost (D1 erred or fell silent after it ran), so its outcome is unknown: the
 * answer says so, and how to retry without doing it twice.
 */
function unavailableDetail(method: string, pathname: string): string {
  if (method === 'GET' || method === 'HEAD') return 'The database is unavailable; try again shortly.';
  if (pathname.endsWith('/feedback')) {
    return "The database did not confirm your feedback: it may have been recorded, or not. Sending it again is safe: the same reader's repeats within 10 minutes count once.";
  }
  return (
    'The database did not confirm the change: it may have been saved, or not. Read the issue before you repeat it. ' +
    'A create sent again with the same Idempotency-Key returns the issue if it was made; a change sent again with the ' +
    'same If-Match is refused with 412 if it was saved; a change sent without If-Match may be made twice.'
  );
}

function toProblem(error: unknown, request: Request, app: App): Response {
  const instance = new URL(request.url).pathname;
  if (error instanceof HttpError) return problemResponse(error, app.site.url, instance);
  if (error instanceof StorageUnavailable) {
    console.error('d1 unavailable', request.method, instance, error.cause);
    return problemResponse(unavailable(unavailableDetail(request.method, instance)), app.site.url, instance);
  }
  // Unknown failures are logged with their stack and answered without leaking any of it.
  console.error('unhandled error', request.method, new URL(request.url).pathname, error);
  const internal = new HttpError(500, { name: 'internal-error', detail: 'Something went wrong on our side; it has been logged.' });
  return problemResponse(internal, app.site.url);
}

/**
 * The CORS preflight's answer, or the router's. HEAD is GET without the body (RFC 9110 §9.3.2); the
 * GET is built from the address and headers alone, because a GET cannot carry the body a HEAD sent.
 */
async function dispatch(request: Request, app: App, ctx: ExecutionContext, cors: boolean): Promise<Response> {
  if (cors && request.method === 'OPTIONS') return preflight();
  const routed = request.method === 'HEAD' ? new Request(request.url, { method: 'GET', headers: request.headers }) : request;
  return router.fetch(routed, app, ctx);
}

async function handle(request: Request, app: App, ctx: ExecutionContext): Promise<Response> {
  const isHead = request.method === 'HEAD';
  const cors = allowsCors(new URL(request.url).pathname);
  let response: Response;
  try {
    response = await bodyLimit(request, () => dispatch(request, app, ctx, cors));
  } catch (error) {
    response = toProblem(error, request, app);
  }
  if (cors) for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  // Our responses are built here (static files too), so their headers are mutable: set in place.
  const headers = secureHeaders(response).headers;
  if (response.status >= 400 && !headers.has('Cache-Control')) headers.set('Cache-Control', CACHE_POLICY.error);
  return isHead ? new Response(null, { status: response.status, headers }) : response;
}

export default {
  async fetch(request, env, ctx) {
    const isEditor = new URL(request.url).pathname.startsWith(EDITOR_PREFIX);
    // Editors read their own writes: their session starts at the bookmark they were given.
    const sent = isEditor ? request.headers.get(BOOKMARK_HEADER) : null;
    const bookmark = sent !== null && /^[0-9a-f-]{1,200}$/i.test(sent) ? sent : null;
    const app = appFrom(env, ctx, bookmark ?? (isEditor ? 'first-primary' : 'first-unconstrained'));
    const response = await handle(request, app, ctx);
    const after = isEditor ? app.bookmark() : null;
    if (after !== null) response.headers.set(BOOKMARK_HEADER, after);
    return response;
  },

  /** The cron trigger: publishes scheduled issues that are due and forgets old idempotency keys. */
  async scheduled(controller, env, ctx) {
    // The trigger's own time is "now", so a late or replayed run publishes what was due at its time.
    const app: App = { ...appFrom(env, ctx), now: () => new Date(controller.scheduledTime) };
    const published = await publishDue(app);
    if (published.length > 0) console.log(`published ${published.length} scheduled issue(s): ${published.join(', ')}`);
    const rerendered = await rerenderStale(app);
    if (rerendered > 0) console.log(`rendered ${rerendered} issue(s) again with the current renderer`);
    const indexed = await indexPendingGrams(app);
    if (indexed > 0) console.log(`search: wrote the gram index rows of ${indexed} issue(s)`);
    const pinged = await sendDuePings(app);
    if (pinged > 0) console.log(`websub: pinged the hub for ${pinged} feed(s)`);
    // Heals KV's version hint from D1 if a write to it was lost, late or overwritten.
    if (await reconcileVersionHint(app)) console.log('kv: the content version hint was behind D1 and is now set right');
    const before = new Date(controller.scheduledTime - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString();
    ctx.waitUntil(pruneIdempotencyKeys(app.db, before));
  },
} satisfies ExportedHandler<Env>;
