import type { JobMessage } from "./jobs/messages";

/** Bindings and variables from wrangler.toml and secrets (.dev.vars locally). */
export type Env = {
  DB: D1Database;
  JOBS: Queue<JobMessage>;
  AI?: Ai;
  RATE_LIMITER?: RateLimit;
  AUTH_FAILURE_LIMITER?: RateLimit;
  ASSETS?: Fetcher;
  ADMIN_TOKEN?: string;
  DEMO_API_KEY?: string;
  SLACK_WEBHOOK_ALLOWED_ORIGINS?: string;
  AI_MODEL?: string;
  /** Milliseconds between posts to one Slack webhook in one consumer invocation (default 1000; tests use 0). */
  SLACK_MIN_INTERVAL_MS?: string;
};

/** Values the middleware chain hands to handlers. */
export type Variables = {
  requestId: string;
  /** SHA-256 hex of the presented API key; the organization is resolved in the handler's own batch. */
  keyHash: string;
};

export type AppEnv = { Bindings: Env; Variables: Variables };
