/**
 * The numbers of wrangler.toml's two `[[ratelimits]]` bindings. The binding only answers "over or
 * not", so the worker needs its own copy for `retry-after` and for the documentation; this is the one
 * copy every message, header and document uses, and test/platform/wrangler-config.test.ts fails if it
 * drifts from wrangler.toml. https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/
 * (the period may only be 10 or 60 seconds).
 */
export const RATE_LIMITS = {
  /** Requests per API key. */
  RATE_LIMITER: { limit: 100, period: 10 },
  /** Failed authentications per client IP. */
  AUTH_FAILURE_LIMITER: { limit: 100, period: 60 },
} as const;

/** A rate-limit binding the worker cannot run without: a deploy that lost it must not run unlimited. */
export const requiredLimiter = (binding: RateLimit | undefined, name: keyof typeof RATE_LIMITS): RateLimit => {
  if (!binding) throw new Error(`The ${name} binding is missing: deploy with wrangler.toml's [[ratelimits]] ${name}`);
  return binding;
};

/** Request bodies over this are a 413 (src/http/body-limit.ts); here so the error catalogue can say it without an import cycle. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The limit as the messages and the documentation say it. */
export const MAX_BODY_SIZE = `${MAX_BODY_BYTES / 1024 / 1024} MiB`;
