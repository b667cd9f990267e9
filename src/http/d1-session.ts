import * as z from "zod/mini";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDb, type Db } from "../db/client";
import { ReplicaOrPrimary } from "../db/replica-or-primary";
import { shardSchema } from "../db/shard-schema";
import { isShard, shardD1, shardOfOrganization } from "../db/shards";
import type { AppEnv } from "../env";
import { errors } from "./errors";

export const BOOKMARK_HEADER = "x-d1-bookmark";

/** The D1 Sessions constraint a client sends to let any read replica answer. */
export const ANY_REPLICA = "first-unconstrained";

/** How long a read waits on the session a client's bookmark asked for before the primary answers instead. */
export const BOOKMARK_WAIT_MS = 2_000;

const BOOKMARK_DESCRIPTION =
  "D1 Sessions bookmark. Every endpoint that touches tickets, customers or devices returns one. By default every " +
  "request runs on the primary database: a revoked key fails on the very next request and you read your own " +
  "writes without sending anything. To let a D1 read replica answer a read (lower latency far from the primary), " +
  `send \`${ANY_REPLICA}\` (any replica; the data may lag a few seconds, and a key revoked within that lag may ` +
  "still read), or the latest bookmark you received (a replica at least that recent; you read your own writes). " +
  "Writes always run on the primary. A bookmark this database does not know is answered from the primary.";

// D1's format is four hex groups ("0000007b-0000b26e-00001538-0c3e…"); anything else would be a D1 error.
const bookmark = z
  .string()
  .check(
    z.maxLength(128),
    z.regex(
      new RegExp(`^([0-9a-fA-F]+(-[0-9a-fA-F]+){3}|${ANY_REPLICA})$`),
      `x-d1-bookmark must be a bookmark returned by this API, or ${ANY_REPLICA}`,
    ),
  );

/** Request header schema shared by every route that runs on a session. */
export const bookmarkHeader = {
  [BOOKMARK_HEADER]: z.optional(bookmark).register(z.globalRegistry, { description: BOOKMARK_DESCRIPTION }),
};

/** The bookmark as documented on responses. */
export const bookmarkResponseHeader = {
  [BOOKMARK_HEADER]: { description: BOOKMARK_DESCRIPTION, schema: { type: "string" as const } },
};

/** What a route with `d1Session` hands its handler: Drizzle on the request's session, and the session itself. */
export type D1Variables = { Variables: { db: Db; d1: D1DatabaseSession } };

/**
 * Where a route's shard comes from, before any I/O: the API key's prefix (set by apiKeyGate, the
 * `/api/ext-v1` routes) or the `{orgId}` of an `/admin/organizations/{orgId}/…` path.
 */
export type ShardSource = "key" | "organization";

/**
 * The shard's D1 binding, once the shard is known to exist and to have this worker's schema (asked
 * once per isolate, src/db/shard-schema.ts). A shard that does not exist cannot hold the key or the
 * organization: the same answer as an unknown one, without asking any database.
 */
const shardBinding = async (c: Context<AppEnv & D1Variables>, from: ShardSource): Promise<D1Database> => {
  const shard = from === "key" ? c.get("shard") : shardOfOrganization(c.req.param("orgId") ?? "");
  if (!isShard(c.env, shard)) throw from === "key" ? errors.invalidApiKey() : errors.organizationNotFound();
  c.set("shard", shard);
  if (!(await shardSchema(c.env, shard)).ok) throw errors.shardUnavailable(shard);
  return shardD1(c.env, shard);
};

/**
 * The request's D1 session on its organization's shard, set once per request (route middleware) so
 * handlers only ever see `c.var.db` / `c.var.d1`; the session's latest bookmark goes on the response.
 * - `write`: always the primary (write endpoints and the operator API). A client's bookmark is
 *   never needed for a write, and ignoring it means an unknown one cannot fail the write.
 * - `read`: the primary, unless the client opted into read replicas with `x-d1-bookmark` (see
 *   BOOKMARK_DESCRIPTION); then `ReplicaOrPrimary` (src/db/replica-or-primary.ts) falls back to the
 *   primary when that session fails or stalls for BOOKMARK_WAIT_MS.
 * A bookmark belongs to one database; a client's bookmarks come from its organization's shard.
 */
export const d1Session = (access: "read" | "write", from: ShardSource = "key") =>
  createMiddleware<AppEnv & D1Variables>(async (c, next) => {
    // Its errors (401, 404, 503) are ApiErrors: the app's error handler renders them.
    const binding = await shardBinding(c, from);
    const primary = () => binding.withSession("first-primary");
    const requested = access === "read" ? c.req.header(BOOKMARK_HEADER) : undefined;
    const session = requested
      ? new ReplicaOrPrimary(requested, binding, primary, BOOKMARK_WAIT_MS, (err) =>
          console.warn(
            JSON.stringify({
              msg: "read on the requested D1 session failed; the primary answers",
              requestId: c.get("requestId"),
              error: String(err).slice(0, 200),
            }),
          ),
        )
      : primary();
    c.set("d1", session);
    c.set("db", createDb(session));
    await next();
    const latest = session.getBookmark();
    if (latest) c.header(BOOKMARK_HEADER, latest);
  });
