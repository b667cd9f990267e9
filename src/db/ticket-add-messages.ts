import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import * as z from "zod/mini";
import { activeKey } from "./auth";
import { idempotencyValues, keyedWriteReport, keyedWriteReportRow, keyIsFree, recordKey, type ReportOf } from "./idempotency";
import { inTableOrder } from "./insert-select";
import { outboxRow } from "./outbox";
import { renderedOnce, renderer, renderPlan, runPlan, variantsOf, type VariantOf } from "./plans";
import { apiKeys, jobs, ticketEvents, ticketMessages, tickets } from "./schema";
import { messageCountOf, nextUpdatedAt, qualified } from "./sql";
import { apiActor, insertEvent } from "./ticket-events";
import { hasWebhooks } from "./webhook-flag";
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
  emailsCustomer: number;
  eventId: string;
  reopenEventId: string;
  jobId: string;
  emailJobId: string;
  idemKey: string;
  idemHash: string | null;
  now: string;
  expiresAt: string;
};

const p = (name: keyof Values) => sql.placeholder(name);

/** What varies between calls, and so between the SQL texts of the batch (test/sql/add-messages*.sql). */
const VARIANT_OPTIONS = { idempotent: [false, true] } as const;
type Variant = VariantOf<typeof VARIANT_OPTIONS>;

const db = renderer;

const messageCount = messageCountOf(tickets.id);

/**
 * What every write of one addMessages is guarded by: the key is live, the ticket is its
 * organization's, the key's Idempotency-Key is free, and the messages fit under the cap.
 */
const conditionsFor = ({ idempotent }: Variant) => {
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
    fitsUnderCap(),
  )!;
  return messageConditions(guard, apiActor(p("keyHash")));
};

/**
 * What the statements adding messages to a ticket are guarded by, however the messages came
 * (addMessages with an API key, a reply by email: src/db/email-reply.ts): `guard` holds when they
 * may be added; a customer's reply then reopens a ticket that was resolved or waiting for them.
 */
export const messageConditions = (guard: SQL, actor: SQL) => ({
  guard,
  reopens: and(guard, sql`${p("hasCustomer")} = 1`, inArray(tickets.status, ["resolved", "waiting_for_customer"]))!,
  actor,
});
type Conditions = ReturnType<typeof messageConditions>;

/** The ticket's message count, for guards against MAX_TICKET_MESSAGES. */
export const fitsUnderCap = () => sql`${messageCount} + ${p("count")} <= ${MAX_TICKET_MESSAGES}`;

/** Written first, so it can read the ticket as it was (which status a reply reopened). */
const insertMessageAddedEvent = (c: Conditions) =>
  insertEvent(
    db,
    p("ticketId"),
    {
      id: p("eventId"),
      type: "message_added",
      actor: c.actor,
      data: sql`json_object('count', ${p("count")}, 'fromPosition', ${messageCount},
          'reopenedFrom', case when ${c.reopens} then ${tickets.status} end)`,
      now: p("now"),
    },
    c.guard,
  );

const insertReopenedEvent = (c: Conditions) =>
  insertEvent(
    db,
    p("ticketId"),
    {
      id: p("reopenEventId"),
      type: "status_changed",
      actor: c.actor,
      data: sql`json_object('from', ${tickets.status}, 'to', 'open', 'reason', 'customer_reply')`,
      now: p("now"),
    },
    c.reopens,
  );

const updateTicket = (c: Conditions) =>
  db
    .update(tickets)
    .set({
      status: sql`case when ${c.reopens} then 'open' else ${tickets.status} end`,
      updatedAt: nextUpdatedAt(p("now")),
    })
    .where(c.guard);

/** After the existing messages, in order; the positions are read and written in one transaction. */
const insertMessages = () =>
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
          // Only the email channel's replies carry one.
          from: sql<string | null>`json_extract(j.value, '$.from')`.as("from_address"),
        }),
      )
      .from(tickets)
      .crossJoin(sql`json_each(${p("messages")}) as j`)
      // The event row exists exactly when the guard held before the update touched the ticket.
      .where(and(eq(tickets.id, p("ticketId")), sql`exists (select 1 from ticket_events as e where e.id = ${p("eventId")})`)),
  );

/** The reply reaches Slack whatever became of the ticket's first notification. */
const insertEventJob = () =>
  db
    .insert(jobs)
    .select(
      db
        .select(outboxRow({ id: p("jobId"), kind: "event", enqueuedAt: p("now"), eventId: ticketEvents.id, now: p("now") }))
        .from(ticketEvents)
        .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
        .where(and(eq(ticketEvents.id, p("eventId")), sql`${p("hasCustomer")} = 1`)),
    )
    .returning({ id: jobs.id, ticketId: jobs.ticketId });

/**
 * An agent's answer on an email ticket is emailed to the customer (src/jobs/email.ts), unless the
 * call said `notifyCustomer: false`; the job acts on this call's `message_added` event.
 */
const insertEmailJob = () =>
  db
    .insert(jobs)
    .select(
      db
        .select(outboxRow({ id: p("emailJobId"), kind: "email", enqueuedAt: p("now"), eventId: ticketEvents.id, now: p("now") }))
        .from(ticketEvents)
        .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
        .where(and(eq(ticketEvents.id, p("eventId")), eq(tickets.channel, "email"), sql`${p("emailsCustomer")} = 1`)),
    )
    .returning({ id: jobs.id, ticketId: jobs.ticketId });

/** The job `insertEventJob` returns, as D1 returns it: with the table's column names. */
export const eventJobRows = z.array(z.object({ id: z.string(), ticket_id: z.string() }));

const recordIdempotencyKey = () =>
  recordKey(db, {
    ticketId: p("ticketId"),
    // Recorded only if this request added the messages: its event exists exactly when the guard held.
    done: sql`exists (select 1 from ticket_events as e where e.id = ${p("eventId")} and e.ticket_id = ${qualified(tickets.id)})`,
    key: p("idemKey"),
    requestHash: p("idemHash"),
    response: sql`json_object('messageCount', ${messageCount})`,
    now: p("now"),
    expiresAt: p("expiresAt"),
  });

/** The report, with the ticket's message count and whether this request added messages. */
const report = () =>
  keyedWriteReport(db, {
    messageCount: sql<number>`(select count(*) from ticket_messages as m where m.ticket_id = ${p("ticketId")})`.as("messageCount"),
    added: sql<number>`exists (select 1 from ticket_events as e where e.id = ${p("eventId")})`.as("added"),
    webhooks: hasWebhooks(apiKeys.organizationId),
  });

/** The report's row: D1 returns it raw (the plan bypasses Drizzle's result mapping), so it is parsed. */
const reportRow: z.ZodMiniType<ReportOf<ReturnType<typeof report>> | undefined> = z.optional(
  z.extend(keyedWriteReportRow, { messageCount: z.number(), added: z.number(), webhooks: z.number() }),
);

/** What a replay answers beyond the ticket id, as `recordIdempotencyKey` stored it. */
const replayResponse = z.object({ messageCount: z.optional(z.number()) });

/**
 * The statements that add messages under `c`, in batch order: the events first (they read the
 * ticket as it was), then the change, the messages, and the Slack job for a customer's reply. They
 * bind `ticketId`, `messages`, `count`, `hasCustomer`, `eventId`, `reopenEventId`, `jobId`, `now`.
 */
export const messageStatements = (c: Conditions) => ({
  messageAddedEvent: insertMessageAddedEvent(c),
  reopenedEvent: insertReopenedEvent(c),
  ticket: updateTicket(c),
  messages: insertMessages(),
  eventJob: insertEventJob(),
});

/** The statements of one addMessages, by name, in batch order: events first, then the change. */
const buildStatements = (v: Variant) => {
  const c = conditionsFor(v);
  return renderPlan({
    ...messageStatements(c),
    emailJob: insertEmailJob(),
    idempotencyKey: v.idempotent ? recordIdempotencyKey() : undefined,
    report: report(),
  });
};

/** Every variant of the batch, for the golden SQL files (test/sql/). */
export const ADD_MESSAGES_VARIANTS = variantsOf(VARIANT_OPTIONS);

/** Rendered once per isolate and variant, like createTicket's. */
export const addMessagesPlan = renderedOnce(buildStatements, (v: Variant) => String(v.idempotent));

export type AddMessagesOutcome =
  | { kind: "unauthorized" }
  | { kind: "not_found" }
  | { kind: "too_many"; messageCount: number }
  | { kind: "added"; messageCount: number; jobs: JobMessage[]; organizationId: string; webhooks: boolean }
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
    /** Whether an agent's messages on an email ticket are emailed to the customer (default true). */
    notifyCustomer?: boolean;
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
    emailsCustomer: input.notifyCustomer !== false && input.messages.some((m) => m.role === "agent") ? 1 : 0,
    eventId: newId(),
    reopenEventId: newId(),
    jobId: newId(),
    emailJobId: newId(),
    now,
    ...idempotencyValues(input.idempotency, now),
  };
  const results = await runPlan(d1, addMessagesPlan({ idempotent: input.idempotency !== undefined }), values);
  const report = reportRow.parse(results.report.results[0]);
  const queued = [
    ...eventJobRows.parse(results.eventJob.results).map((r): JobMessage => ({ jobId: r.id, kind: "event", ticketId: r.ticket_id })),
    ...eventJobRows.parse(results.emailJob.results).map((r): JobMessage => ({ jobId: r.id, kind: "email", ticketId: r.ticket_id })),
  ];

  if (!report) return { kind: "unauthorized" };
  if (report.added) {
    return {
      kind: "added",
      messageCount: report.messageCount,
      jobs: queued,
      organizationId: report.organizationId,
      webhooks: report.webhooks === 1,
    };
  }
  if (input.idempotency && report.idemTicketId) {
    const response = report.idemResponse ? replayResponse.parse(JSON.parse(report.idemResponse)) : {};
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
