import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createDb, type Db } from "../db/client";
import type { AppEnv } from "../env";

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
  .max(128)
  .regex(
    new RegExp(`^([0-9a-fA-F]+(-[0-9a-fA-F]+){3}|${ANY_REPLICA})$`),
    `x-d1-bookmark must be a bookmark returned by this API, or ${ANY_REPLICA}`,
  );

/** Request header schema shared by every route that runs on a session. */
export const bookmarkHeader = {
  [BOOKMARK_HEADER]: bookmark.optional().openapi({ description: BOOKMARK_DESCRIPTION }),
};

/** The bookmark as documented on responses. */
export const bookmarkResponseHeader = {
  [BOOKMARK_HEADER]: { description: BOOKMARK_DESCRIPTION, schema: { type: "string" as const } },
};

const putBookmark = (c: Context<AppEnv>, session: D1DatabaseSession) => {
  const latest = session.getBookmark();
  if (latest) c.header(BOOKMARK_HEADER, latest);
};

/**
 * A write's session: always the primary (a client's bookmark is never needed for a write, and
 * ignoring it means an unknown one cannot fail the write). `done` puts the session's latest
 * bookmark on the response, for clients that opt into replicas on their next read.
 */
export const writeSession = (c: Context<AppEnv>) => {
  const session = c.env.DB.withSession("first-primary");
  let db: Db | undefined;
  return {
    session,
    // Built on first use: createTicket's success path talks to the session directly.
    get db() {
      db ??= createDb(session);
      return db;
    },
    done: () => putBookmark(c, session),
  };
};

class BookmarkTimeout extends Error {}

const within = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new BookmarkTimeout(`no answer within ${ms} ms`)), ms))]);

/**
 * Runs a read (one batch, key check included) on the primary, unless the client opted into read
 * replicas with `x-d1-bookmark` (see BOOKMARK_DESCRIPTION). Reads carry no side effects, so when
 * the session a client's bookmark asked for fails (a bookmark this database does not know) or does
 * not answer within BOOKMARK_WAIT_MS, the same read runs again on the primary: never a 500 or a
 * hang for a well-formed bookmark.
 */
export const readSession = async <T>(c: Context<AppEnv>, read: (db: Db) => Promise<T>): Promise<T> => {
  const requested = c.req.header(BOOKMARK_HEADER);
  const primary = async () => {
    const session = c.env.DB.withSession("first-primary");
    const result = await read(createDb(session));
    putBookmark(c, session);
    return result;
  };
  if (!requested) return primary();
  try {
    const session = c.env.DB.withSession(requested);
    const result = await within(read(createDb(session)), BOOKMARK_WAIT_MS);
    putBookmark(c, session);
    return result;
  } catch (err) {
    console.warn(
      JSON.stringify({
        msg: "read on the requested D1 session failed; the primary answers",
        requestId: c.get("requestId"),
        error: String(err).slice(0, 200),
      }),
    );
    return primary();
  }
};
