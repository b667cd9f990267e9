import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { errorResponse, errors } from "./errors";
import { RATE_LIMITS, requiredLimiter } from "./limits";

/** The longest a limited caller must wait, in seconds: the binding's period. */
const PERIOD = RATE_LIMITS.RATE_LIMITER.period;

/**
 * Per-API-key limit on the `ratelimits` binding, keyed by the key's digest so one key never
 * spends another's budget. The binding counts at the edge: no D1 round trip.
 */
export const rateLimit = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const limiter = requiredLimiter(c.env.RATE_LIMITER, "RATE_LIMITER");
  if (!(await limiter.limit({ key: c.get("keyHash") })).success) {
    c.header("retry-after", String(PERIOD));
    return errorResponse(c, errors.rateLimited(PERIOD));
  }
  await next();
};
