import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";

export const BOOKMARK_HEADER = "x-d1-bookmark";

const BOOKMARK_DESCRIPTION =
  "D1 Sessions bookmark. Every ticket and customer endpoint returns one; send the latest back on the next " +
  "request to read at least that recent a state of the database (read-your-writes even when reads are " +
  "served by a D1 read replica).";

// D1's format is four hex groups ("0000007b-0000b26e-00001538-0c3e…"); anything else would be a 500 inside D1.
const bookmark = z
  .string()
  .max(128)
  .regex(/^[0-9a-f]+(-[0-9a-f]+){3}$/i, "x-d1-bookmark must be a bookmark returned by this API");

/** Request header schema shared by every route that runs on a session. */
export const bookmarkHeader = {
  [BOOKMARK_HEADER]: bookmark.optional().openapi({ description: BOOKMARK_DESCRIPTION }),
};

/** The bookmark as documented on responses. */
export const bookmarkResponseHeader = {
  [BOOKMARK_HEADER]: { description: BOOKMARK_DESCRIPTION, schema: { type: "string" as const } },
};

/**
 * A D1 session for one request. Reads start `first-unconstrained` (any replica) unless the caller
 * sent a bookmark; writes start on the primary. Call it from a handler, after the route's header
 * schema has validated any bookmark. `done` puts the session's latest bookmark on the response.
 */
export const d1Session = (c: Context<AppEnv>, start: "first-unconstrained" | "first-primary") => {
  const session = c.env.DB.withSession(c.req.header(BOOKMARK_HEADER) ?? start);
  let db: ReturnType<typeof createDb> | undefined;
  return {
    session,
    // Built on first use: createTicket's success path talks to the session directly.
    get db() {
      return (db ??= createDb(session));
    },
    done: () => {
      const latest = session.getBookmark();
      if (latest) c.header(BOOKMARK_HEADER, latest);
    },
  };
};
