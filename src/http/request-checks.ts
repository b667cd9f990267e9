import type { MiddlewareHandler } from "hono";
import { limitBody } from "./body-limit";
import { refuseNonJson } from "./json-only";

/**
 * The checks every request passes before any validator reads its body, as one middleware: a body
 * that is not JSON is a 415 (./json-only.ts), one over the size limit a 413 (./body-limit.ts, Hono's
 * bodyLimit). One layer instead of two: each middleware Hono composes costs an async dispatch per
 * request, and these two only read headers (issue 18, BENCHMARKS.md).
 */
export const requestChecks = (): MiddlewareHandler => {
  const limit = limitBody();
  return (c, next) => {
    const refused = refuseNonJson(c);
    return refused ? Promise.resolve(refused) : limit(c, next);
  };
};
