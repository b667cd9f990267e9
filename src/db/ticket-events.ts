import { and, asc, eq, gt, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { inKeyOrg, keyOrganization } from "./auth";
import { inTableOrder } from "./insert-select";
import { type EVENT_TYPES, ticketEvents, tickets } from "./schema";

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The actor of a change made with an API key: `api` with the key's display prefix (the digest
 * finds the row; the key itself never reaches the database).
 */
export const apiActor = (keyHash: string | Placeholder) =>
  sql`json_object('type', 'api', 'keyPrefix', (select k.prefix from api_keys as k where k.key_hash = ${keyHash}))`;

export const PIPELINE_ACTOR = sql`json_object('type', 'pipeline')`;

/**
 * An event row for every ticket `from … where` selects, for `INSERT INTO ticket_events SELECT`.
 * `data` is a JSON expression over the ticket's current (pre-change) columns: written before the
 * change in the same batch, so it can say what the value was. Aliases keep the columns qualified.
 */
export const eventRow = (id: string | Placeholder, type: EventType, actor: SQL, data: SQL, now: string | Placeholder) =>
  inTableOrder(ticketEvents, {
    id: sql<string>`${id}`.as("id"),
    ticketId: tickets.id,
    organizationId: tickets.organizationId,
    type: sql<EventType>`${type}`.as("type"),
    actor: actor.as("actor"),
    data: data.as("data"),
    createdAt: sql<string>`${now}`.as("created_at"),
  });

/** Inserts one event for the ticket `ticketId` if `when` holds for its row (before the batch's change). */
export const insertEvent = (
  db: Db,
  ticketId: string | Placeholder,
  event: { id: string | Placeholder; type: EventType; actor: SQL; data: SQL; now: string | Placeholder },
  when?: SQL,
) =>
  db.insert(ticketEvents).select(
    db
      .select(eventRow(event.id, event.type, event.actor, event.data, event.now))
      .from(tickets)
      .where(and(eq(tickets.id, ticketId), when)),
  );

export type EventCursor = { createdAt: string; id: string };

/**
 * A ticket's events, oldest first, keyset-paginated on (created_at, id) like listTickets (one
 * extra row says whether there is a next page), with the key check and the ticket's existence in
 * the key's organization in the same batch.
 */
export const listTicketEvents = async (db: Db, keyHash: string, ticketId: string, limit: number, after?: EventCursor) => {
  const [auth, ticket, rows] = await db.batch([
    keyOrganization(db, keyHash),
    db
      .select({ id: tickets.id })
      .from(tickets)
      .where(and(eq(tickets.id, ticketId), inKeyOrg(db, tickets.organizationId, keyHash))),
    db
      .select({
        id: ticketEvents.id,
        type: ticketEvents.type,
        actor: ticketEvents.actor,
        data: ticketEvents.data,
        createdAt: ticketEvents.createdAt,
      })
      .from(ticketEvents)
      .where(
        and(
          eq(ticketEvents.ticketId, ticketId),
          inKeyOrg(db, ticketEvents.organizationId, keyHash),
          after &&
            or(
              gt(ticketEvents.createdAt, after.createdAt),
              and(eq(ticketEvents.createdAt, after.createdAt), gt(ticketEvents.id, after.id)),
            ),
        ),
      )
      .orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id))
      .limit(limit + 1),
  ]);
  const hasMore = rows.length > limit;
  const events = hasMore ? rows.slice(0, limit) : rows;
  return { authorized: auth.length > 0, found: ticket.length > 0, events, last: hasMore ? events.at(-1) : undefined };
};
