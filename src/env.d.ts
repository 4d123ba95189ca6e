// Secrets are not in wrangler.toml, so `wrangler types` cannot see them; they are declared here.
interface Env {
  /** Keys the daily salt of feedback client hashes (`wrangler secret put FEEDBACK_HASH_SECRET`). */
  FEEDBACK_HASH_SECRET?: string;
}
