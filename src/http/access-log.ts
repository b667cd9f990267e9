import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

/**
 * One structured line per request, for Workers Logs. It names the route, never the
 * API key, the query string or a body.
 */
export const accessLog = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const started = performance.now();
  await next();
  console.log(
    JSON.stringify({
      msg: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    }),
  );
};
