import { shardSchema } from "../db/shard-schema";
import { shardIndexes } from "../db/shards";
import { errorBody, errors } from "../http/errors";
import { createRoute } from "./route";
import { createRouter } from "./router";

export const healthRoute = createRoute({
  operationId: "health",
  method: "get",
  path: "/health",
});

export const healthApi = createRouter();

/**
 * Up when every shard has this worker's schema: each shard is asked once per isolate (and a behind one
 * every 30 s, src/db/shard-schema.ts), so a load balancer's probe costs a Map lookup, not a query.
 * A shard behind fails the check (503), as a deploy whose migrations missed a shard must.
 */
healthApi.openapi(healthRoute, async (c) => {
  const states = await Promise.all(shardIndexes(c.env).map((shard) => shardSchema(c.env, shard)));
  const behind = states.flatMap((s) => (s.ok ? [] : [s]));
  if (behind.length === 0) return c.json({ ok: true as const, shards: states.length }, 200);
  const err = errors.shardUnavailable(behind[0]!.shard);
  return c.json(
    {
      ...errorBody(err),
      shardsBehind: behind.map(({ shard, binding, applied, needed }) => ({ shard, binding, applied, needed })),
    },
    503,
  );
});
