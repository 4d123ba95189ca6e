import type { RequestContext } from '../config';
import { sha256Hex } from '../domain/hashing';
import { HttpError } from '../http/problem';

let reportedMissingSecret = false;

/** Feedback fails closed without the secret: a salt anyone can read would make the hashes reversible. */
function feedbackSwitchedOff(): HttpError {
  if (!reportedMissingSecret) {
    reportedMissingSecret = true;
    console.error(
      'FEEDBACK_HASH_SECRET is not set, so reader feedback answers 503: client hashes salted with a known value could be reversed to addresses. Set it with `wrangler secret put FEEDBACK_HASH_SECRET`.',
    );
  }
  return new HttpError(503, {
    name: 'unavailable',
    detail: 'Reader feedback is switched off on this site until its operator configures it.',
  });
}

async function hashAddress(salt: string, address: string): Promise<string> {
  return (await sha256Hex(`${salt}:${address}`)).slice(0, 32);
}

const today = (context: RequestContext) => context.now().toISOString().slice(0, 10);

/**
 * A stand-in for a client's address (src/http/client.ts) that is never stored or logged raw: a hash with a salt that
 * changes every UTC day, so it can tell a client's requests apart today and links nothing across
 * days. Refuses (503) when FEEDBACK_HASH_SECRET is not set, because the salt must be secret.
 */
export async function clientHash(context: RequestContext, address: string): Promise<string> {
  if (context.hashSecret === null) throw feedbackSwitchedOff();
  return hashAddress(await sha256Hex(`${context.hashSecret}:${today(context)}`), address);
}

/**
 * The key a rate limiter counts a client by; it is held by the limiter for its period and never
 * stored or logged. It is the client hash when the secret is set; without it, a hash salted by the
 * day alone, so that editors keep working (and failed attempts stay limited) on a site whose
 * feedback is switched off.
 */
export async function limiterKey(context: RequestContext, address: string): Promise<string> {
  return context.hashSecret === null ? hashAddress(`limiter:${today(context)}`, address) : clientHash(context, address);
}
