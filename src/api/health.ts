import * as z from "zod/mini";
import { createRoute } from "./route";
import { jsonContent } from "./common";
import { createRouter } from "./router";

export const healthRoute = createRoute({
  operationId: "health",
  method: "get",
  path: "/health",
  tags: ["Meta"],
  summary: "Liveness check (no auth, touches no binding)",
  security: [],
  responses: { 200: jsonContent(z.object({ ok: z.literal(true) }).register(z.globalRegistry, { id: "Health" }), "The worker is up") },
});

export const healthApi = createRouter();

healthApi.openapi(healthRoute, (c) => c.json({ ok: true as const }, 200));
