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
