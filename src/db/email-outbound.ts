import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { namedBatch } from "./batch";
import { emailMessages } from "./email-schema";
import { baseContext, baseStatements, type BaseJobContext, type JobContextLoader } from "./job-context";
import { emailKindOfEvent, finishJob, pending } from "./job-outcomes";
import { inTableOrder } from "./insert-select";
import { organizations, ticketEvents, ticketMessages, tickets } from "./schema";
import { insertEvent, PIPELINE_ACTOR } from "./ticket-events";
import { newId } from "../lib/ids";

/** What an email job sends: the acknowledgement of a new email ticket, or an agent's reply. */
export const OUTBOUND_EMAIL_KINDS = ["acknowledgement", "reply"] as const;
export type OutboundEmailKind = (typeof OUTBOUND_EMAIL_KINDS)[number];

/**
 * How many of the thread's Message-IDs an email's References names: the thread's first and its
 * latest (REFERENCES_LATEST). RFC 5322 (3.6.4) builds References from the parent's References plus
 * its Message-ID, which grows with every message; clients and threading algorithms need only the
 * root and the recent ones (the root anchors the thread, the latest find the parent), and a bounded
 * header keeps every email far under Email Service's 16 KB header limit whatever the thread's length.
 */
export const REFERENCES_LATEST = 9;

const ticketOrg = (ticketId: string) => sql`(select ${tickets.organizationId} from ${tickets} where ${tickets.id} = ${ticketId})`;
const eventOfJob = (jobId: string) => sql`(select j.event_id from jobs as j where j.id = ${jobId})`;

/**
 * The email side of the ticket: its channel and reply token, and the organization's send-from
 * address (position 0 of its addresses, served by `email_addresses_org_idx`) and display name.
 * The customer's address and name come with the pipeline ticket.
 */
const emailTicket = (db: Db, ticketId: string) =>
  db
    .select({
      channel: tickets.channel,
      replyToken: tickets.replyToken,
      orgName: organizations.name,
      fromName: organizations.emailFromName,
      fromAddress: sql<string | null>`(select a.address from email_addresses as a
        where a.organization_id = ${tickets.organizationId} order by a.position limit 1)`.as("from_address"),
    })
    .from(tickets)
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .where(eq(tickets.id, ticketId));

/** The event the job acts on: `created` (the acknowledgement) or `message_added` (a reply). */
const jobEvent = (db: Db, ticketId: string, jobId: string) =>
  db
    .select({ id: ticketEvents.id, type: ticketEvents.type, data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.id, eventOfJob(jobId))));

/** The agent messages the job's `message_added` event added (its `fromPosition` and `count`), in order. */
const agentMessagesOfEvent = (db: Db, ticketId: string, jobId: string) => {
  const data = sql`(select e.data from ticket_events as e where e.id = ${eventOfJob(jobId)} and e.type = 'message_added')`;
  return db
    .select({ content: ticketMessages.content })
    .from(ticketMessages)
    .where(
      and(
        eq(ticketMessages.ticketId, ticketId),
        eq(ticketMessages.role, "agent"),
        sql`${ticketMessages.position} >= json_extract(${data}, '$.fromPosition')`,
        sql`${ticketMessages.position} < json_extract(${data}, '$.fromPosition') + json_extract(${data}, '$.count')`,
      ),
    )
    .orderBy(asc(ticketMessages.position));
};

/** The ticket's Message-IDs (received and sent), through `email_messages_ticket_idx`, scoped to its organization. */
const threadIds = (db: Db, ticketId: string) =>
  db
    .select({ messageId: emailMessages.messageId, direction: emailMessages.direction })
    .from(emailMessages)
    .where(and(eq(emailMessages.ticketId, ticketId), eq(emailMessages.organizationId, ticketOrg(ticketId))));

type Rows<Query extends (...args: never[]) => PromiseLike<unknown[]>> = Awaited<ReturnType<Query>>;

export type EmailJobContext = BaseJobContext & {
  email: Rows<typeof emailTicket>[number] | undefined;
  event: Rows<typeof jobEvent>[number] | undefined;
  agentMessages: string[];
  /** The thread's Message-IDs for threading: its first, its latest (oldest first), its latest received. */
  thread: { first: string | undefined; latest: string[]; latestInbound: string | undefined };
};

/**
 * The email job's context, in one batch: the job and the ticket's other jobs, the ticket with its
 * customer, the channel, reply token and the organization's send-from address and name, the event
 * the job acts on, the agent messages that event added, and the thread's Message-IDs (three bounded
 * reads: its first, its REFERENCES_LATEST latest, its latest received).
 */
export const loadEmailContext: JobContextLoader<EmailJobContext> = async (db, ticketId, jobId) => {
  const rows = await namedBatch(db, {
    ...baseStatements(db, ticketId),
    email: emailTicket(db, ticketId),
    event: jobEvent(db, ticketId, jobId),
    agentMessages: agentMessagesOfEvent(db, ticketId, jobId),
    threadFirst: threadIds(db, ticketId).orderBy(asc(emailMessages.createdAt), asc(emailMessages.id)).limit(1),
    threadLatest: threadIds(db, ticketId).orderBy(desc(emailMessages.createdAt), desc(emailMessages.id)).limit(REFERENCES_LATEST),
    latestInbound: db
      .select({ messageId: emailMessages.messageId })
      .from(emailMessages)
      .where(
        and(eq(emailMessages.ticketId, ticketId), eq(emailMessages.organizationId, ticketOrg(ticketId)), eq(emailMessages.direction, "in")),
      )
      .orderBy(desc(emailMessages.createdAt), desc(emailMessages.id))
      .limit(1),
  });
  const base = baseContext(rows, jobId);
  return (
    base && {
      ...base,
      email: rows.email[0],
      event: rows.event[0],
      agentMessages: rows.agentMessages.map((m) => m.content),
      thread: {
        first: rows.threadFirst[0]?.messageId,
        latest: rows.threadLatest.map((m) => m.messageId).reverse(),
        latestInbound: rows.latestInbound[0]?.messageId,
      },
    }
  );
};

/** One outbound email row of the thread, for the ticket (and its organization), while the job is pending. */
const insertOutboundMessage = (
  db: Db,
  input: { ticketId: string; jobId: string },
  id: string,
  messageId: string,
  now: string,
  when?: SQL,
) =>
  db
    .insert(emailMessages)
    .select(
      db
        .select(
          inTableOrder(emailMessages, {
            id: sql<string>`${id}`.as("id"),
            organizationId: tickets.organizationId,
            messageId: sql<string>`${messageId}`.as("message_id"),
            ticketId: tickets.id,
            direction: sql<"out">`'out'`.as("direction"),
            sender: sql<null>`null`.as("sender"),
            openedTicket: sql<boolean>`0`.as("opened_ticket"),
            createdAt: sql<string>`${now}`.as("created_at"),
          }),
        )
        .from(tickets)
        .where(and(eq(tickets.id, input.ticketId), pending(input.jobId), when)),
    )
    .onConflictDoNothing();

type EmailSent = {
  ticketId: string;
  jobId: string;
  attempts: number;
  kind: OutboundEmailKind;
  to: string;
  /** The Message-ID the platform says it sent the email with (without angle brackets). */
  messageId: string;
  /** The Message-ID the email was composed with, when the platform replaced it. */
  composedMessageId: string;
};

/**
 * A sent email's outcome, one batch: the `email_sent` event, the thread's new Message-ID(s) and
 * the job done, all guarded by the job still pending (a second delivery that got this far writes
 * nothing). Both IDs are stored when the platform replaced ours: the recipient sees the platform's,
 * so that is the one a reply's In-Reply-To names; ours is kept as well (one small row) should a
 * copy carry it, and both thread a reply onto this ticket. False when another delivery finished first.
 */
export const recordEmailSent = async (db: Db, input: EmailSent, now: string): Promise<boolean> => {
  const { finished } = await namedBatch(db, recordEmailSentBatch(db, input, now, { event: newId(), sent: newId(), composed: newId() }));
  return finished.length > 0;
};

/** recordEmailSent's batch, each statement under its name, in batch order, with the ids of the rows it may write. */
export const recordEmailSentBatch = (db: Db, input: EmailSent, now: string, ids: { event: string; sent: string; composed: string }) => ({
  sentEvent: insertEvent(
    db,
    input.ticketId,
    {
      id: ids.event,
      type: "email_sent",
      actor: PIPELINE_ACTOR,
      data: sql`json_object('eventId', ${eventOfJob(input.jobId)}, 'kind', ${input.kind}, 'messageId', ${input.messageId}, 'to', ${input.to})`,
      now,
    },
    pending(input.jobId),
  ),
  sentMessage: insertOutboundMessage(db, input, ids.sent, input.messageId, now),
  composedMessage: insertOutboundMessage(
    db,
    input,
    ids.composed,
    input.composedMessageId,
    now,
    sql`${input.composedMessageId} <> ${input.messageId}`,
  ),
  finished: finishJob(db, input.jobId, "done", input.attempts, null, now),
});

type EmailFailed = { ticketId: string; jobId: string; attempts: number; error: string };

/**
 * An email that cannot be sent, whatever the retries (the ticket is no email ticket, the
 * organization has no send-from address, the customer no usable address): the `email_failed`
 * event with the reason, and the job failed.
 */
export const recordEmailFailed = async (db: Db, input: EmailFailed, now: string): Promise<boolean> => {
  const { finished } = await namedBatch(db, recordEmailFailedBatch(db, input, now, { event: newId() }));
  return finished.length > 0;
};

/** recordEmailFailed's batch, each statement under its name, in batch order, with the ids of the events it may write. */
export const recordEmailFailedBatch = (db: Db, input: EmailFailed, now: string, ids: { event: string }) => ({
  failedEvent: insertEvent(
    db,
    input.ticketId,
    {
      id: ids.event,
      type: "email_failed",
      actor: PIPELINE_ACTOR,
      // The same shape as a dead-lettered email's (src/db/job-outcomes.ts).
      data: sql`json_object('eventId', ${eventOfJob(input.jobId)}, 'kind', ${emailKindOfEvent(eventOfJob(input.jobId))}, 'error', ${input.error.slice(0, 300)})`,
      now,
    },
    pending(input.jobId),
  ),
  finished: finishJob(db, input.jobId, "failed", input.attempts, input.error, now),
});
