import { Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { OPERATIONS } from "./api/operations";
import { type Chain, runChain } from "./api/router";
import { ROUTERS, type RouterName } from "./api/routers";
import type { AppEnv } from "./env";
import { accessLog } from "./http/access-log";
import { adminAuth, apiKeyGate } from "./http/auth";
import { ApiError, errorResponse, errors } from "./http/errors";
import { methodsAllowed } from "./http/method-not-allowed";
import { requestChecks } from "./http/request-checks";

const MALFORMED_JSON = "Malformed JSON in request body";

export const app = new Hono<AppEnv>();

app.use(requestId({ headerName: "x-request-id" }));
app.use(accessLog());
// 415 and 413 before any validator reads a body.
app.use(requestChecks());

// API key, failed-authentication guard, per-key rate limit (in that order, one middleware).
app.use("/api/ext-v1/*", apiKeyGate());
app.use("/admin/*", adminAuth());

const loading = new Map<RouterName, ReturnType<(typeof ROUTERS)[RouterName]>>();

/**
 * One operation of the table: the path is routed now, the router that serves it (its Zod schemas,
 * queries, handler) is loaded by the first request for it and runs on this request's context.
 */
const operation = (router: RouterName, operationId: string): MiddlewareHandler<AppEnv> => {
  let chain: Chain | undefined;
  return async (c) => {
    if (!chain) {
      if (!loading.has(router)) loading.set(router, ROUTERS[router]());
      chain = (await loading.get(router)!).chain(operationId);
    }
    return runChain(chain, c);
  };
};

for (const { router, operationId, method, path } of OPERATIONS) {
  app.on(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ":$1"), operation(router, operationId));
}

app.notFound((c) => {
  const allowed = methodsAllowed(app.routes, c.req.path);
  if (allowed.length === 0) return errorResponse(c, errors.noRoute(c.req.method, c.req.path));
  c.header("allow", allowed.join(", "));
  return errorResponse(c, errors.methodNotAllowed(c.req.method, allowed));
});

app.onError((err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err);
  // Hono's JSON validator throws this for a body that does not parse: Telemetron's words for it.
  if (err instanceof HTTPException && err.status === 400 && err.message === MALFORMED_JSON) {
    return errorResponse(c, errors.invalidJson());
  }
  if (err instanceof HTTPException && err.status < 500) {
    return errorResponse(c, errors.badRequest(err.message, err.status));
  }
  // Details go to the log under the request id, never to the caller.
  console.error(JSON.stringify({ msg: "unhandled error", requestId: c.get("requestId"), error: String(err), stack: err.stack }));
  return errorResponse(c, errors.internal());
});
