import type { JobMessage } from "./jobs/messages";

/**
 * The worker's bindings and variables, from `wrangler types` (src/worker-configuration.d.ts, made by
 * `npm run types` from wrangler.toml and checked in CI with `--check`). Every binding wrangler.toml
 * declares is required: a worker deployed without its rate limiter fails loudly instead of running
 * unlimited. Two adjustments only:
 * - the secrets are optional: without ADMIN_TOKEN the operator API is hidden (404), and DEMO_API_KEY
 *   only seeds local dev (`npm run dev`);
 * - the queue carries our job messages (wrangler cannot know the message type).
 */
type Secrets = "ADMIN_TOKEN" | "DEMO_API_KEY";
export type Env = Omit<Cloudflare.Env, Secrets | "JOBS"> & Partial<Pick<Cloudflare.Env, Secrets>> & { JOBS: Queue<JobMessage> };

/** Values the middleware chain hands to handlers. */
export type Variables = {
  requestId: string;
  /** SHA-256 hex of the presented API key; the organization is resolved in the handler's own batch. */
  keyHash: string;
};

export type AppEnv = { Bindings: Env; Variables: Variables };
