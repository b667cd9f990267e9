import type { JobMessage } from "./jobs/messages";
import type { WebhookMessage } from "./webhooks/messages";

/**
 * The worker's bindings and variables, from `wrangler types` (src/worker-configuration.d.ts, made by
 * `npm run types` from wrangler.toml and checked in CI with `--check`). Every binding wrangler.toml
 * declares is required: a worker deployed without its rate limiter fails loudly instead of running
 * unlimited. Two adjustments only:
 * - the secrets are optional: without ADMIN_TOKEN the operator API is hidden (404), and DEMO_API_KEY
 *   only seeds local dev (`npm run dev`); without WEBHOOK_SECRET_KEY webhook endpoints cannot be
 *   created (500, logged) and deliveries fail until it is set;
 * - the queues carry our job and webhook messages (wrangler cannot know the message types).
 */
type Secrets = "ADMIN_TOKEN" | "DEMO_API_KEY" | "WEBHOOK_SECRET_KEY";
export type Env = Omit<Cloudflare.Env, Secrets | "JOBS" | "WEBHOOKS"> &
  Partial<Pick<Cloudflare.Env, Secrets>> & { JOBS: Queue<JobMessage>; WEBHOOKS: Queue<WebhookMessage> };

/** Values the middleware chain hands to handlers. */
export type Variables = {
  requestId: string;
  /** SHA-256 hex of the presented API key; the organization is resolved in the handler's own batch. */
  keyHash: string;
  /** The organization's shard, from the API key's prefix or the `/admin` path's organization id (src/db/shards.ts). */
  shard: number;
};

export type AppEnv = { Bindings: Env; Variables: Variables };
