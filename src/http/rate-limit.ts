import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { errorResponse } from "./errors";

/** The period of the `RATE_LIMITER` binding in wrangler.toml, in seconds: the longest a caller must wait. */
export const RATE_LIMIT_PERIOD_SECONDS = 10;

/**
 * Per-API-key limit on the `ratelimits` binding, keyed by the key's digest so one key never
 * spends another's budget. The binding counts at the edge: no D1 round trip.
 */
export const rateLimit = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const limiter = c.env.RATE_LIMITER;
  if (limiter && !(await limiter.limit({ key: c.get("keyHash") })).success) {
    c.header("retry-after", String(RATE_LIMIT_PERIOD_SECONDS));
    return errorResponse(c, 429, `Rate limit exceeded for this API key; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds`);
  }
  await next();
};
