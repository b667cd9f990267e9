import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { namedBatch } from "./batch";
import type { Db } from "./client";
import { attachments, emailAddresses, emailMessages } from "./email-schema";
import { inTableOrder } from "./insert-select";
import { outboxRow } from "./outbox";
import { customers, jobs, organizations, ticketEvents, ticketMessages, tickets } from "./schema";
import { eventRow, insertEvent, PIPELINE_ACTOR } from "./ticket-events";
import { hasWebhooks } from "./webhook-flag";
import { messageCountOf } from "./sql";
import { MAX_TICKET_MESSAGES } from "./ticket-add-messages";
import type { JobMessage } from "../jobs/messages";

/** One sender may open at most this many tickets per hour in one organization (the contract's bound); past it, mail is rejected. */
export const NEW_TICKETS_PER_SENDER_PER_HOUR = 20;

/**
 * An organization acknowledges at most this many new email tickets per hour; past it tickets are
 * still opened, unacknowledged. Anyone can forge a From address, so without a bound a flood of
 * forged senders (each under its own hourly limit) would make us mail that many strangers.
 */
export const ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR = 100;

/** The event actor of what a mail did: the sender's address. */
export const emailActor = (address: unknown) => sql`json_object('type', 'email', 'address', ${address})`;

/** A JSON array bound as one parameter, as a set of values: `x in (select value from json_each(?))`. */
const inJson = (column: unknown, values: string[]) => sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;

export type InboundQuery = {
  /** The owner shard 0's directory names (several shards); absent on a one-shard deployment. */
  organizationId?: string;
  /** The support address (lower-cased, `+tag` removed) and the tag. */
  address: string;
  tag: string | null;
  messageId: string;
  /** Message-IDs the mail names (In-Reply-To first, then References newest first). */
  thread: string[];
  /** A bounce: the Message-IDs of the original it returns. */
  bounced: string[];
  sender: string;
  /** The rate limit's window starts here. */
  since: string;
};

/**
 * What an inbound mail is decided from, in one D1 round trip of reads: the organization that owns
 * the address, whether this Message-ID is already stored, the ticket it replies to (its reply
 * token, else the newest ticket a Message-ID it names belongs to), how many tickets its sender
 * opened in the last hour, and for a bounce the ticket of the message of ours it returns. The
 * writes that follow re-check what races could change (the Message-ID's uniqueness, the rate).
 */
export const inboundContext = async (db: Db, q: InboundQuery) => {
  // The owner is the directory's (q.organizationId, on a deployment of several shards): a copy row can never override it.
  const owned = q.organizationId === undefined ? sql`` : sql` and a.organization_id = ${q.organizationId}`;
  const org = sql`(select a.organization_id from email_addresses as a where a.address = ${q.address}${owned})`;
  const threadTicket = (ids: string[], direction?: "out") =>
    db
      .select({ ticketId: emailMessages.ticketId, messages: messageCountOf(emailMessages.ticketId) })
      .from(emailMessages)
      .where(
        and(
          eq(emailMessages.organizationId, org),
          inJson(emailMessages.messageId, ids),
          direction ? eq(emailMessages.direction, direction) : undefined,
        ),
      )
      .orderBy(desc(emailMessages.createdAt))
      .limit(1);
  const [owner, stored, byToken, byThread, recent, bounced] = await db.batch([
    db
      .select({
        id: organizations.id,
        name: organizations.name,
        autoAcknowledge: organizations.emailAutoAcknowledge,
        webhooks: hasWebhooks(organizations.id),
      })
      .from(emailAddresses)
      .innerJoin(organizations, eq(organizations.id, emailAddresses.organizationId))
      .where(
        and(
          eq(emailAddresses.address, q.address),
          q.organizationId === undefined ? undefined : eq(emailAddresses.organizationId, q.organizationId),
        ),
      ),
    db
      .select({ id: emailMessages.id })
      .from(emailMessages)
      .where(and(eq(emailMessages.organizationId, org), eq(emailMessages.messageId, q.messageId))),
    db
      .select({ ticketId: tickets.id, messages: messageCountOf(tickets.id) })
      .from(tickets)
      .where(and(eq(tickets.replyToken, q.tag ?? ""), eq(tickets.organizationId, org))),
    threadTicket(q.thread),
    db
      .select({ count: sql<number>`count(*)` })
      .from(emailMessages)
      .where(
        and(
          eq(emailMessages.organizationId, org),
          eq(emailMessages.sender, q.sender),
          eq(emailMessages.openedTicket, true),
          sql`${emailMessages.createdAt} > ${q.since}`,
        ),
      ),
    threadTicket(q.bounced, "out"),
  ]);
  const organization = owner[0];
  if (!organization) return undefined;
  const thread = byToken[0] ?? byThread[0];
  return {
    organization,
    duplicate: stored.length > 0,
    ticketId: thread?.ticketId ?? null,
    // A reply to a ticket at MAX_TICKET_MESSAGES cannot be added to it: it opens a follow-up ticket.
    ticketFull: thread !== undefined && thread.messages >= MAX_TICKET_MESSAGES,
    openedLastHour: recent[0]?.count ?? 0,
    bouncedTicketId: bounced[0]?.ticketId ?? null,
  };
};

export type NewEmailTicket = {
  organizationId: string;
  emailRowId: string;
  messageId: string;
  sender: string;
  senderName: string;
  ticketId: string;
  customerId: string;
  title: string;
  description: string | null;
  /** The first message (customer, with its `from`), as JSON for json_each. */
  message: { role: "customer"; content: string; from: string };
  terms: string;
  replyToken: string;
  attachments: { id: string; filename: string; contentType: string; size: number; r2Key: string }[];
  skipped: string[];
  /** The acknowledgement is wanted (not automated mail); the organization's setting still decides. */
  acknowledge: boolean;
  ids: { categorizeJob: string; notifyJob: string; ackJob: string; createdEvent: string; receivedEvent: string };
  since: string;
  now: string;
};

/** The mail's row is what every other statement of its batch is guarded by: stored exactly when it was. */
const mailStored = (emailRowId: string) => sql`exists (select 1 from email_messages as em where em.id = ${emailRowId})`;

/** The attachments of the ticket's message at `position` (a JSON array bound as one value). */
export const insertAttachments = (db: Db, ticketId: unknown, list: unknown, position: SQL, now: unknown, when: SQL) =>
  db.insert(attachments).select(
    db
      .select(
        inTableOrder(attachments, {
          id: sql<string>`json_extract(j.value, '$.id')`.as("id"),
          organizationId: tickets.organizationId,
          ticketId: tickets.id,
          position: sql<number>`${position}`.as("position"),
          ordinal: sql<number>`j.key`.as("ordinal"),
          filename: sql<string>`json_extract(j.value, '$.filename')`.as("filename"),
          contentType: sql<string>`json_extract(j.value, '$.contentType')`.as("content_type"),
          size: sql<number>`json_extract(j.value, '$.size')`.as("size"),
          r2Key: sql<string>`json_extract(j.value, '$.r2Key')`.as("r2_key"),
          createdAt: sql<string>`${now}`.as("created_at"),
        }),
      )
      .from(tickets)
      .crossJoin(sql`json_each(${list}) as j`)
      .where(and(sql`${tickets.id} = ${ticketId}`, when)),
  );

/** The `email_received` event: which mail, from whom, what it carried and what was left out. */
export const emailReceivedData = (messageId: string, sender: string, attachmentCount: number, skipped: string[]) =>
  sql`json_object('messageId', ${messageId}, 'from', ${sender}, 'attachments', ${attachmentCount}, 'skipped', json(${JSON.stringify(skipped)}))`;

/**
 * A new ticket from a mail, as one D1 batch (one transaction): the mail's Message-ID row first, on
 * the (organization, Message-ID) unique index and under the sender's hourly limit, then, only if
 * it was stored, the customer (found by address or created, named by the display name), the
 * ticket (channel email, with its reply token), its first message, attachment records, the
 * pipeline's outbox rows (categorize now, notify after it, the acknowledgement email if the
 * organization wants one), the `created` and `email_received` events, and a report. A redelivered
 * mail, or one that raced a copy of itself, stores nothing.
 */
export const newEmailTicketBatch = (db: Db, t: NewEmailTicket) => {
  const stored = mailStored(t.emailRowId);
  const thisTicket = eq(tickets.id, t.ticketId);
  const emailLower = t.sender.toLowerCase();
  const outbox = (id: string, kind: "categorize" | "notify", enqueuedAt: string | null) =>
    db
      .select(outboxRow({ id, kind, enqueuedAt, eventId: "", now: t.now }))
      .from(tickets)
      .where(thisTicket);
  return {
    mail: db
      .insert(emailMessages)
      .select(
        db
          .select(
            inTableOrder(emailMessages, {
              id: sql<string>`${t.emailRowId}`.as("id"),
              organizationId: organizations.id,
              messageId: sql<string>`${t.messageId}`.as("message_id"),
              ticketId: sql<string>`${t.ticketId}`.as("ticket_id"),
              direction: sql<"in">`'in'`.as("direction"),
              sender: sql<string>`${emailLower}`.as("sender"),
              openedTicket: sql<boolean>`1`.as("opened_ticket"),
              createdAt: sql<string>`${t.now}`.as("created_at"),
            }),
          )
          .from(organizations)
          .where(
            and(
              eq(organizations.id, t.organizationId),
              sql`(select count(*) from email_messages as r where r.organization_id = ${t.organizationId} and r.sender = ${emailLower}
                and r.opened_ticket = 1 and r.created_at > ${t.since}) < ${NEW_TICKETS_PER_SENDER_PER_HOUR}`,
            ),
          ),
      )
      .onConflictDoNothing(),
    customer: db
      .insert(customers)
      .select(
        db
          .select(
            inTableOrder(customers, {
              id: sql<string>`${t.customerId}`.as("id"),
              organizationId: organizations.id,
              email: sql<string>`${t.sender}`.as("email"),
              emailLower: sql<string>`${emailLower}`.as("email_lower"),
              name: sql<string>`${t.senderName}`.as("name"),
              phone: sql<null>`null`.as("phone"),
              address: sql<null>`null`.as("address"),
              metadata: sql<Record<string, unknown>>`'{}'`.as("metadata"),
              categories: sql<string[]>`'[]'`.as("categories"),
              createdAt: sql<string>`${t.now}`.as("created_at"),
              updatedAt: sql<string>`${t.now}`.as("updated_at"),
            }),
          )
          .from(organizations)
          .where(and(eq(organizations.id, t.organizationId), stored)),
      )
      .onConflictDoNothing(),
    ticket: db.insert(tickets).select(
      db
        .select(
          inTableOrder(tickets, {
            id: sql<string>`${t.ticketId}`.as("id"),
            organizationId: customers.organizationId,
            customerId: customers.id,
            deviceId: sql<null>`null`.as("device_id"),
            title: sql<string>`${t.title}`.as("title"),
            description: sql<string | null>`${t.description}`.as("description"),
            priority: sql<"medium">`'medium'`.as("priority"),
            status: sql<"open">`'open'`.as("status"),
            category: sql<null>`null`.as("category"),
            categorySource: sql<null>`null`.as("category_source"),
            categoryConfidence: sql<null>`null`.as("category_confidence"),
            terms: sql<Record<string, number>>`${t.terms}`.as("terms"),
            assignee: sql<null>`null`.as("assignee"),
            assigneeSource: sql<null>`null`.as("assignee_source"),
            categorization: sql<"pending">`'pending'`.as("categorization"),
            notification: sql<"pending">`'pending'`.as("notification"),
            channel: sql<"email">`'email'`.as("channel"),
            replyToken: sql<string>`${t.replyToken}`.as("reply_token"),
            createdAt: sql<string>`${t.now}`.as("created_at"),
            updatedAt: sql<string>`${t.now}`.as("updated_at"),
          }),
        )
        .from(customers)
        .where(and(eq(customers.organizationId, t.organizationId), eq(customers.emailLower, emailLower), stored)),
    ),
    message: db.insert(ticketMessages).select(
      db
        .select(
          inTableOrder(ticketMessages, {
            ticketId: tickets.id,
            position: sql<number>`0`.as("position"),
            role: sql<"customer">`'customer'`.as("role"),
            content: sql<string>`${t.message.content}`.as("content"),
            from: sql<string>`${t.message.from}`.as("from_address"),
          }),
        )
        .from(tickets)
        .where(thisTicket),
    ),
    ...(t.attachments.length
      ? { attachments: insertAttachments(db, t.ticketId, JSON.stringify(t.attachments), sql`0`, t.now, stored) }
      : {}),
    jobs: db
      .insert(jobs)
      .select(outbox(t.ids.categorizeJob, "categorize", t.now).unionAll(outbox(t.ids.notifyJob, "notify", null)))
      .returning({ id: jobs.id, kind: jobs.kind }),
    // The acknowledgement (src/jobs/email.ts), when the mail was no machine's and the organization wants one.
    ackJob: db
      .insert(jobs)
      .select(
        db
          .select(outboxRow({ id: t.ids.ackJob, kind: "email", enqueuedAt: t.now, eventId: t.ids.createdEvent, now: t.now }))
          .from(tickets)
          .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
          .where(
            and(
              thisTicket,
              eq(organizations.emailAutoAcknowledge, true),
              sql`${t.acknowledge ? 1 : 0} = 1`,
              // This mail's own row is counted (email_messages_org_opened_idx).
              sql`(select count(*) from email_messages as r where r.organization_id = ${t.organizationId} and r.opened_ticket = 1
                and r.created_at > ${t.since}) <= ${ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR}`,
            ),
          ),
      )
      .returning({ id: jobs.id, kind: jobs.kind }),
    createdEvent: db.insert(ticketEvents).select(
      db
        .select(
          eventRow(
            t.ids.createdEvent,
            "created",
            emailActor(emailLower),
            sql`json_object('priority', ${tickets.priority}, 'category', null, 'deviceId', null, 'channel', 'email')`,
            t.now,
          ),
        )
        .from(tickets)
        .where(thisTicket),
    ),
    receivedEvent: insertEvent(db, t.ticketId, {
      id: t.ids.receivedEvent,
      type: "email_received",
      actor: emailActor(emailLower),
      data: emailReceivedData(t.messageId, emailLower, t.attachments.length, t.skipped),
      now: t.now,
    }),
    report: db
      .select({ stored: sql<number>`${stored}`, webhooks: hasWebhooks(organizations.id) })
      .from(organizations)
      .where(eq(organizations.id, t.organizationId)),
  };
};

/** Runs `newEmailTicketBatch`; the queue messages to send after it, or null when the mail was not stored (a duplicate, or over the rate). */
export const storeNewEmailTicket = async (db: Db, t: NewEmailTicket) => {
  const results = await namedBatch(db, newEmailTicketBatch(db, t));
  const report = results.report[0];
  if (!report?.stored) return null;
  // Sent now: categorize, and the acknowledgement if one was written (notify follows categorization).
  const sent = [...results.jobs, ...results.ackJob].filter((j) => j.kind !== "notify");
  const queued: JobMessage[] = sent.map((j) => ({ jobId: j.id, kind: j.kind, ticketId: t.ticketId }));
  return { jobs: queued, webhooks: report.webhooks === 1 };
};

/**
 * A bounce of a message we sent, as one batch: the bounce's own Message-ID row (so a redelivered
 * bounce adds nothing, like any mail), then `email_failed` on the ticket, only if that row was
 * written by this delivery (the pipeline's actor: the mail system told us).
 */
export const recordBounceBatch = (
  db: Db,
  b: { ticketId: string; organizationId: string; emailRowId: string; eventId: string; messageId: string; reason: string },
  now: string,
) => ({
  mail: db
    .insert(emailMessages)
    .values({
      id: b.emailRowId,
      organizationId: b.organizationId,
      messageId: b.messageId,
      ticketId: b.ticketId,
      direction: "in",
      sender: null,
      openedTicket: false,
      createdAt: now,
    })
    .onConflictDoNothing(),
  failedEvent: insertEvent(
    db,
    b.ticketId,
    {
      id: b.eventId,
      type: "email_failed",
      actor: PIPELINE_ACTOR,
      // The shape of the email job's own email_failed (src/db/email-outbound.ts), with the bounce's Message-ID.
      data: sql`json_object('kind', 'bounce', 'error', ${b.reason}, 'bounceMessageId', ${b.messageId})`,
      now,
    },
    and(eq(tickets.organizationId, b.organizationId), mailStored(b.emailRowId)),
  ),
});
