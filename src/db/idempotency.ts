import { and, eq, exists, gt, not, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { drizzle } from "drizzle-orm/d1";
import * as z from "zod/mini";
import { inTableOrder } from "./insert-select";
import { activeKey } from "./auth";
import { apiKeys, idempotencyKeys, tickets } from "./schema";
import { isoAfter } from "../lib/time";

type Db = ReturnType<typeof drizzle>;
type Value = string | Placeholder;

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The values a keyed write binds for its idempotency record (an unkeyed write binds them unused). */
export const idempotencyValues = (idempotency: { key: string; requestHash: string } | undefined, now: string) => ({
  idemKey: idempotency?.key ?? "",
  idemHash: idempotency?.requestHash ?? null,
  expiresAt: isoAfter(IDEMPOTENCY_TTL_MS, Date.parse(now)),
});

/** The organization's live (unexpired) record for `key`: the join condition of a write's report. */
export const liveRecord = (organizationId: SQLiteColumn, key: Value, now: Value): SQL =>
  and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key), gt(idempotencyKeys.expiresAt, now))!;

/** No live record holds `key`: part of the guard of every statement of an idempotent write. */
export const keyIsFree = (db: Db, organizationId: SQLiteColumn, key: Value, now: Value): SQL =>
  not(
    exists(
      db
        .select({ one: sql`1` })
        .from(idempotencyKeys)
        .where(liveRecord(organizationId, key, now)),
    ),
  );

/**
 * Records `key` for the ticket `ticketId` in the same batch as the write it guards, with what a
 * replay answers (`response`, beyond the ticket id), only if `done` holds: this request did its
 * work, which proves its guard held (a live key, a ticket of its organization, a free key). A
 * request that failed, or one with a bogus, revoked or foreign key, records nothing. Only an
 * expired record may be taken over; a live one stays with its request, and the write's report then
 * shows whose it is.
 */
export const recordKey = (
  db: Db,
  r: { ticketId: Value; done: SQL; key: Value; requestHash: Value; response: SQL; now: Value; expiresAt: Value },
) =>
  db
    .insert(idempotencyKeys)
    .select(
      db
        .select(
          inTableOrder(idempotencyKeys, {
            organizationId: tickets.organizationId,
            key: sql<string>`${r.key}`.as("key"),
            requestHash: sql<string>`${r.requestHash}`.as("request_hash"),
            ticketId: tickets.id,
            response: r.response.as("response"),
            createdAt: sql<string>`${r.now}`.as("created_at"),
            expiresAt: sql<string>`${r.expiresAt}`.as("expires_at"),
          }),
        )
        .from(tickets)
        .where(and(eq(tickets.id, r.ticketId), r.done)),
    )
    .onConflictDoUpdate({
      target: [idempotencyKeys.organizationId, idempotencyKeys.key],
      set: {
        requestHash: sql`excluded.request_hash`,
        ticketId: sql`excluded.ticket_id`,
        response: sql`excluded.response`,
        createdAt: sql`excluded.created_at`,
        expiresAt: sql`excluded.expires_at`,
      },
      setWhere: sql`${idempotencyKeys.expiresAt} <= excluded.created_at`,
    });

/**
 * The last statement of a keyed write batch (createTicket, addMessages): the key's organization
 * (no row: 401), the ticket `ticketId` if it is that organization's, what `extra` asks, and the live
 * record of the request's Idempotency-Key (whose request it is, for a replay or a 422). Aliases are
 * unique: D1 batch rows are objects keyed by column name. Placeholders: keyHash, ticketId, idemKey, now.
 */
export const keyedWriteReport = <E extends Record<string, SQL.Aliased>>(db: Db, extra: E) =>
  db
    .select({
      organizationId: sql<string>`${apiKeys.organizationId}`.as("organizationId"),
      ticketId: sql<string | null>`${tickets.id}`.as("ticketId"),
      ...extra,
      idemTicketId: sql<string | null>`${idempotencyKeys.ticketId}`.as("idemTicketId"),
      idemRequestHash: sql<string | null>`${idempotencyKeys.requestHash}`.as("idemRequestHash"),
      idemResponse: sql<string | null>`${idempotencyKeys.response}`.as("idemResponse"),
    })
    .from(apiKeys)
    .leftJoin(tickets, and(eq(tickets.id, sql.placeholder("ticketId")), eq(tickets.organizationId, apiKeys.organizationId)))
    .leftJoin(idempotencyKeys, liveRecord(apiKeys.organizationId, sql.placeholder("idemKey"), sql.placeholder("now")))
    .where(activeKey(sql.placeholder("keyHash")))
    .limit(1);

/** The row type a select statement returns, as Drizzle types it. */
export type ReportOf<S extends { _: { result: unknown[] } }> = S["_"]["result"][number];

/**
 * `keyedWriteReport`'s row without `extra`. A pre-rendered plan gets D1's raw rows, so a write
 * parses its report with this (extended by its `extra`), typed as `z.ZodMiniType<ReportOf<…>>` to match the select.
 */
export const keyedWriteReportRow = z.object({
  organizationId: z.string(),
  ticketId: z.nullable(z.string()),
  idemTicketId: z.nullable(z.string()),
  idemRequestHash: z.nullable(z.string()),
  idemResponse: z.nullable(z.string()),
});
