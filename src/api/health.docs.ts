import * as z from "zod/mini";
import { errorSchema, jsonContent } from "./common.docs";
import type { RouteDocs } from "./route";

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const healthDocs: Record<string, RouteDocs> = {
  health: {
    tags: ["Meta"],
    summary: "Health check: the worker is up and every D1 shard has its schema (no auth)",
    description:
      "Each D1 shard's applied migrations are read once per worker isolate (a shard found behind: again every 30 s), " +
      "so this check costs no query per call. 503 when a shard's schema is behind this worker's: its " +
      "organizations' requests get `shard_unavailable` until `wrangler d1 migrations apply` reaches it.",
    security: [],
    responses: {
      200: jsonContent(
        z.object({ ok: z.literal(true), shards: z.number().check(z.int()) }).register(z.globalRegistry, { id: "Health" }),
        "The worker is up and every shard is current (`shards`: how many)",
      ),
      503: jsonContent(
        z
          .extend(errorSchema, {
            shardsBehind: z.array(
              z.object({ shard: z.number(), binding: z.string(), applied: z.nullable(z.string()), needed: z.string() }),
            ),
          })
          .register(z.globalRegistry, { id: "HealthError" }),
        "A shard's schema is behind: which, and its newest applied migration",
      ),
    },
  },
};
