import { z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
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

/** What a route with `d1Session` hands its handler: Drizzle on the request's session, and the session itself. */
export type D1Variables = { Variables: { db: Db; d1: D1DatabaseSession } };

/**
 * The request's D1 session, set once per request (route middleware) so handlers only ever see
 * `c.var.db` / `c.var.d1`; the session's latest bookmark goes on the response.
 * - `write`: always the primary (write endpoints and the operator API). A client's bookmark is never needed for a write, and ignoring it
 *   means an unknown one cannot fail the write.
 * - `read`: the primary, unless the client opted into read replicas with `x-d1-bookmark` (see
 *   BOOKMARK_DESCRIPTION); then `ReplicaOrPrimary` falls back to the primary when that session fails.
 */
export const d1Session = (access: "read" | "write") =>
  createMiddleware<AppEnv & D1Variables>(async (c, next) => {
    const primary = () => c.env.DB.withSession("first-primary");
    const requested = access === "read" ? c.req.header(BOOKMARK_HEADER) : undefined;
    const session = requested
      ? new ReplicaOrPrimary(requested, c.env.DB, primary, (err) =>
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

class BookmarkTimeout extends Error {}

const within = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new BookmarkTimeout(`no answer within ${ms} ms`)), ms))]);

/**
 * The session a client's bookmark asked for, with the primary behind it. Reads carry no side
 * effects, so when that session fails (a bookmark this database does not know, checked only when
 * the first query runs: the route validates the header before) or does not answer within
 * BOOKMARK_WAIT_MS, the same statements run again on the primary, and every later one too: never a
 * 500 or a hang for a well-formed bookmark. Statements are recorded (SQL and parameters) and only
 * prepared on the session that runs them.
 */
class ReplicaOrPrimary implements D1DatabaseSession {
  #current: D1DatabaseSession | undefined;
  #fellBack = false;

  constructor(
    private readonly bookmark: string,
    private readonly db: D1Database,
    private readonly primary: () => D1DatabaseSession,
    private readonly onFallback: (err: unknown) => void,
  ) {}

  /** Runs `work` on the requested session, or on the primary once that has failed. */
  async on<T>(work: (session: D1DatabaseSession) => Promise<T>): Promise<T> {
    if (!this.#fellBack) {
      try {
        this.#current ??= this.db.withSession(this.bookmark);
        return await within(work(this.#current), BOOKMARK_WAIT_MS);
      } catch (err) {
        this.onFallback(err);
        this.#fellBack = true;
        this.#current = this.primary();
      }
    }
    return work(this.#current!);
  }

  prepare(query: string): D1PreparedStatement {
    return new RecordedStatement(this, query, []);
  }

  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return this.on((session) => session.batch<T>(statements.map((s) => RecordedStatement.on(s, session))));
  }

  getBookmark(): D1SessionBookmark | null {
    return this.#current?.getBookmark() ?? null;
  }
}

/** A statement of `ReplicaOrPrimary`: prepared for real on whichever session runs it. */
class RecordedStatement implements D1PreparedStatement {
  constructor(
    private readonly owner: ReplicaOrPrimary,
    private readonly query: string,
    private readonly values: unknown[],
  ) {}

  static on(statement: D1PreparedStatement, session: D1DatabaseSession): D1PreparedStatement {
    if (!(statement instanceof RecordedStatement)) throw new Error("a batch mixes statements of different D1 sessions");
    const prepared = session.prepare(statement.query);
    return statement.values.length ? prepared.bind(...statement.values) : prepared;
  }

  bind(...values: unknown[]): D1PreparedStatement {
    return new RecordedStatement(this.owner, this.query, values);
  }

  first<T = unknown>(colName: string): Promise<T | null>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  first<T>(colName?: string): Promise<T | null> {
    return this.owner.on((s) => {
      const statement = RecordedStatement.on(this, s);
      return colName === undefined ? statement.first<T>() : statement.first<T>(colName);
    });
  }

  run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.owner.on((s) => RecordedStatement.on(this, s).run<T>());
  }

  all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return this.owner.on((s) => RecordedStatement.on(this, s).all<T>());
  }

  raw<T = unknown[]>(options: { columnNames: true }): Promise<[string[], ...T[]]>;
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>;
  raw<T>(options?: { columnNames?: boolean }): Promise<[string[], ...T[]] | T[]> {
    return options?.columnNames
      ? this.owner.on((s) => RecordedStatement.on(this, s).raw<T>({ columnNames: true }))
      : this.owner.on((s) => RecordedStatement.on(this, s).raw<T>());
  }
}
