import { and, eq, inArray, sql } from "drizzle-orm";
import { activeKey } from "./auth";
import { idempotencyValues, keyedWriteReport, keyIsFree, recordKey } from "./idempotency";
import { inTableOrder } from "./insert-select";
import { outboxRow } from "./outbox";
import { renderedOnce, renderer, runPlan } from "./plans";
import { apiKeys, jobs, ticketEvents, ticketMessages, tickets } from "./schema";
import { nextUpdatedAt, qualified } from "./sql";
import { apiActor, insertEvent } from "./ticket-events";
import type { JobMessage } from "../jobs/messages";
import { newId } from "../lib/ids";

/** A ticket holds at most this many messages: getTicket returns them all, and D1 caps one result at 50 MB. */
export const MAX_TICKET_MESSAGES = 1_000;

type Values = {
  keyHash: string;
  ticketId: string;
  messages: string;
  count: number;
  hasCustomer: number;
  eventId: string;
  reopenEventId: string;
  jobId: string;
  idemKey: string;
  idemHash: string | null;
  now: string;
  expiresAt: string;
};

const p = (name: keyof Values) => sql.placeholder(name);

const db = renderer;

const messageCount = sql<number>`(select count(*) from ticket_messages as m where m.ticket_id = ${qualified(tickets.id)})`;

/**
 * The statements of one addMessages, in order. Every write is guarded by: the key is live, the
 * ticket is its organization's, the key's Idempotency-Key is free, and the messages fit under the
 * cap. Events go first so they can read the ticket as it was (which status a reply reopened).
 */
const buildStatements = (idempotent: boolean) => {
  const inKeyOrganization = inArray(
    tickets.organizationId,
    db
      .select({ id: apiKeys.organizationId })
      .from(apiKeys)
      .where(activeKey(p("keyHash"))),
  );
  const guard = and(
    eq(tickets.id, p("ticketId")),
    inKeyOrganization,
    idempotent ? keyIsFree(db, tickets.organizationId, p("idemKey"), p("now")) : undefined,
    sql`${messageCount} + ${p("count")} <= ${MAX_TICKET_MESSAGES}`,
  )!;
  const reopens = and(guard, sql`${p("hasCustomer")} = 1`, inArray(tickets.status, ["resolved", "waiting_for_customer"]))!;
  const actor = apiActor(p("keyHash"));

  const statements: { toSQL(): { sql: string; params: unknown[] } }[] = [
    insertEvent(
      db,
      p("ticketId"),
      {
        id: p("eventId"),
        type: "message_added",
        actor,
        data: sql`json_object('count', ${p("count")}, 'fromPosition', ${messageCount},
          'reopenedFrom', case when ${reopens} then ${tickets.status} end)`,
        now: p("now"),
      },
      guard,
    ),
    // A customer's reply reopens a ticket that was resolved or waiting for them.
    insertEvent(
      db,
      p("ticketId"),
      {
        id: p("reopenEventId"),
        type: "status_changed",
        actor,
        data: sql`json_object('from', ${tickets.status}, 'to', 'open', 'reason', 'customer_reply')`,
        now: p("now"),
      },
      reopens,
    ),
    db
      .update(tickets)
      .set({
        status: sql`case when ${reopens} then 'open' else ${tickets.status} end`,
        updatedAt: nextUpdatedAt(p("now")),
      })
      .where(guard),
    // After the existing messages, in order; the positions are read and written in one transaction.
    db.insert(ticketMessages).select(
      db
        .select(
          inTableOrder(ticketMessages, {
            ticketId: tickets.id,
            position:
              sql<number>`(select coalesce(max(m.position), -1) + 1 from ticket_messages as m where m.ticket_id = ${qualified(tickets.id)}) + j.key`.as(
                "position",
              ),
            role: sql<"customer">`json_extract(j.value, '$.role')`.as("role"),
            content: sql<string>`json_extract(j.value, '$.content')`.as("content"),
          }),
        )
        .from(tickets)
        .crossJoin(sql`json_each(${p("messages")}) as j`)
        // The event row exists exactly when the guard held before the update touched the ticket.
        .where(and(eq(tickets.id, p("ticketId")), sql`exists (select 1 from ticket_events as e where e.id = ${p("eventId")})`)),
    ),
    // The reply reaches Slack whatever became of the ticket's first notification.
    db
      .insert(jobs)
      .select(
        db
          .select(outboxRow({ id: p("jobId"), kind: "event", enqueuedAt: p("now"), eventId: ticketEvents.id, now: p("now") }))
          .from(ticketEvents)
          .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
          .where(and(eq(ticketEvents.id, p("eventId")), sql`${p("hasCustomer")} = 1`)),
      )
      .returning({ id: jobs.id, ticketId: jobs.ticketId }),
  ];
  if (idempotent) {
    statements.push(
      recordKey(db, {
        ticketId: p("ticketId"),
        // Recorded only if this request added the messages: its event exists exactly when the guard held.
        done: sql`exists (select 1 from ticket_events as e where e.id = ${p("eventId")} and e.ticket_id = ${qualified(tickets.id)})`,
        key: p("idemKey"),
        requestHash: p("idemHash"),
        response: sql`json_object('messageCount', ${messageCount})`,
        now: p("now"),
        expiresAt: p("expiresAt"),
      }),
    );
  }
  // The report, with the ticket's message count and whether this request added messages.
  statements.push(
    keyedWriteReport(db, {
      messageCount: sql<number>`(select count(*) from ticket_messages as m where m.ticket_id = ${p("ticketId")})`.as("messageCount"),
      added: sql<number>`exists (select 1 from ticket_events as e where e.id = ${p("eventId")})`.as("added"),
    }),
  );
  return statements.map((s) => s.toSQL());
};

// Rendered once per isolate and variant, like createTicket's.
const planFor = renderedOnce(buildStatements, String);

type Report = {
  organizationId: string;
  ticketId: string | null;
  messageCount: number;
  added: number;
  idemTicketId: string | null;
  idemRequestHash: string | null;
  idemResponse: string | null;
};

export type AddMessagesOutcome =
  | { kind: "unauthorized" }
  | { kind: "not_found" }
  | { kind: "too_many"; messageCount: number }
  | { kind: "added"; messageCount: number; jobs: JobMessage[] }
  | { kind: "replay"; sameRequest: boolean; ticketId: string; messageCount: number | undefined };

/**
 * addMessages as one D1 batch (one round trip, one transaction): the `message_added` event (and a
 * reopening `status_changed`), the ticket's status and `updated_at`, the messages after the
 * existing ones, the Slack job for a customer reply, the Idempotency-Key record, and a report.
 */
export const addMessagesBatch = async (
  d1: D1Database | D1DatabaseSession,
  input: {
    keyHash: string;
    ticketId: string;
    messages: { role: string; content: string }[];
    idempotency?: { key: string; requestHash: string };
  },
  now: string,
): Promise<AddMessagesOutcome> => {
  const values: Values = {
    keyHash: input.keyHash,
    ticketId: input.ticketId,
    messages: JSON.stringify(input.messages),
    count: input.messages.length,
    hasCustomer: input.messages.some((m) => m.role === "customer") ? 1 : 0,
    eventId: newId(),
    reopenEventId: newId(),
    jobId: newId(),
    now,
    ...idempotencyValues(input.idempotency, now),
  };
  const plan = planFor(input.idempotency !== undefined);
  const results = await runPlan(d1, plan, values);
  const report = results.at(-1)?.results[0] as Report | undefined;
  // Raw D1 rows carry the table's column names (the plan bypasses Drizzle's result mapping).
  const queued = ((results[4]?.results ?? []) as { id: string; ticket_id: string }[]).map(
    (r): JobMessage => ({ jobId: r.id, kind: "event", ticketId: r.ticket_id }),
  );

  if (!report) return { kind: "unauthorized" };
  if (report.added) return { kind: "added", messageCount: report.messageCount, jobs: queued };
  if (input.idempotency && report.idemTicketId) {
    const response = report.idemResponse ? (JSON.parse(report.idemResponse) as { messageCount?: number }) : {};
    return {
      kind: "replay",
      sameRequest: report.idemRequestHash === input.idempotency.requestHash,
      ticketId: report.idemTicketId,
      messageCount: response.messageCount,
    };
  }
  if (!report.ticketId) return { kind: "not_found" };
  return { kind: "too_many", messageCount: report.messageCount };
};
