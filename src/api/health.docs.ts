import * as z from "zod/mini";
import { jsonContent } from "./common.docs";
import type { RouteDocs } from "./route";

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const healthDocs: Record<string, RouteDocs> = {
  health: {
    tags: ["Meta"],
    summary: "Liveness check (no auth, touches no binding)",
    security: [],
    responses: { 200: jsonContent(z.object({ ok: z.literal(true) }).register(z.globalRegistry, { id: "Health" }), "The worker is up") },
  },
};
