import { createRoute } from "./route";
import { createRouter } from "./router";

export const healthRoute = createRoute({
  operationId: "health",
  method: "get",
  path: "/health",
});

export const healthApi = createRouter();

healthApi.openapi(healthRoute, (c) => c.json({ ok: true as const }, 200));
