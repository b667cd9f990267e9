import type { Context } from "hono";
import type { AppEnv } from "../env";
import { errorResponse, errors } from "./errors";
import { RATE_LIMITS, requiredLimiter } from "./limits";

/** The longest a limited caller must wait, in seconds: the binding's period. */
const PERIOD = RATE_LIMITS.RATE_LIMITER.period;

/**
 * Per-API-key limit on the `ratelimits` binding, keyed by the key's digest so one key never
 * spends another's budget. The binding counts at the edge: no D1 round trip. Returns the 429, or
 * nothing when the request may go on; run by ./api-key-gate.ts after authentication.
 */
export const rateLimited = async (c: Context<AppEnv>, keyHash: string): Promise<Response | undefined> => {
  const limiter = requiredLimiter(c.env.RATE_LIMITER, "RATE_LIMITER");
  if ((await limiter.limit({ key: keyHash })).success) return undefined;
  c.header("retry-after", String(PERIOD));
  return errorResponse(c, errors.rateLimited(PERIOD));
};
