import { and, eq, sql } from "drizzle-orm";
import * as z from "zod/mini";
import { emailActor, insertAttachments } from "./email-inbound";
import { emailMessages } from "./email-schema";
import { inTableOrder } from "./insert-select";
import { renderedOnce, renderer, renderPlan, runPlan } from "./plans";
import { tickets } from "./schema";
import { eventJobRows, fitsUnderCap, messageConditions, messageStatements } from "./ticket-add-messages";
import { insertEvent } from "./ticket-events";
import { hasWebhooks } from "./webhook-flag";
import type { JobMessage } from "../jobs/messages";
import { newId } from "../lib/ids";

type Values = {
  organizationId: string;
  ticketId: string;
  emailRowId: string;
  messageId: string;
  sender: string;
  messages: string;
  count: number;
  hasCustomer: number;
  eventId: string;
  reopenEventId: string;
  jobId: string;
  receivedEventId: string;
  attachments: string;
  attachmentCount: number;
  skipped: string;
  now: string;
};

const p = (name: keyof Values) => sql.placeholder(name);
const db = renderer;

const mailStored = sql`exists (select 1 from email_messages as em where em.id = ${p("emailRowId")})`;

/**
 * A customer's reply by email, as one D1 batch: the mail's Message-ID row first (the unique index
 * makes a redelivery or a racing copy store nothing), then, guarded by it, exactly what
 * addMessages does for a customer message (src/db/ticket-add-messages.ts: `message_added`, the
 * reopening of a ticket resolved or waiting for the customer, the Slack job for the reply), its
 * attachments, the `email_received` event, and a report.
 */
const buildStatements = () => {
  const ticketOfOrg = and(eq(tickets.id, p("ticketId")), eq(tickets.organizationId, p("organizationId")));
  const c = messageConditions(and(ticketOfOrg, mailStored, fitsUnderCap())!, emailActor(p("sender")));
  return renderPlan({
    mail: db
      .insert(emailMessages)
      .select(
        db
          .select(
            inTableOrder(emailMessages, {
              id: sql<string>`${p("emailRowId")}`.as("id"),
              organizationId: tickets.organizationId,
              messageId: sql<string>`${p("messageId")}`.as("message_id"),
              ticketId: tickets.id,
              direction: sql<"in">`'in'`.as("direction"),
              sender: sql<string>`${p("sender")}`.as("sender"),
              openedTicket: sql<boolean>`0`.as("opened_ticket"),
              createdAt: sql<string>`${p("now")}`.as("created_at"),
            }),
          )
          .from(tickets)
          // A full ticket takes no reply: then nothing of this mail is stored (the handler retries it as a new ticket).
          .where(and(ticketOfOrg, fitsUnderCap())),
      )
      .onConflictDoNothing(),
    ...messageStatements(c),
    attachments: insertAttachments(
      db,
      p("ticketId"),
      p("attachments"),
      sql`(select max(m.position) from ticket_messages as m where m.ticket_id = ${p("ticketId")})`,
      p("now"),
      // Only with the message this delivery added (its event exists exactly then).
      sql`exists (select 1 from ticket_events as e where e.id = ${p("eventId")})`,
    ),
    receivedEvent: insertEvent(
      db,
      p("ticketId"),
      {
        id: p("receivedEventId"),
        type: "email_received",
        actor: emailActor(p("sender")),
        data: sql`json_object('messageId', ${p("messageId")}, 'from', ${p("sender")}, 'attachments', ${p("attachmentCount")}, 'skipped', json(${p("skipped")}))`,
        now: p("now"),
      },
      sql`exists (select 1 from ticket_events as e where e.id = ${p("eventId")})`,
    ),
    report: db
      .select({
        added: sql<number>`exists (select 1 from ticket_events as e where e.id = ${p("eventId")})`.as("added"),
        webhooks: hasWebhooks(tickets.organizationId),
      })
      .from(tickets)
      .where(ticketOfOrg),
  });
};

/** Rendered once per isolate, like addMessages'. */
export const emailReplyPlan = renderedOnce(buildStatements, () => "");

const reportRow = z.optional(z.object({ added: z.number(), webhooks: z.number() }));

export type EmailReply = {
  organizationId: string;
  ticketId: string;
  messageId: string;
  sender: string;
  content: string;
  attachments: { id: string; filename: string; contentType: string; size: number; r2Key: string }[];
  skipped: string[];
  /** An out-of-office or other machine-sent reply: kept on the ticket, but it neither reopens it nor tells Slack. */
  automated: boolean;
};

/**
 * Stores a reply: the Slack job to send when it was added, or null when it was not (a duplicate,
 * the ticket at MAX_TICKET_MESSAGES, or no longer this organization's).
 */
export const storeEmailReply = async (d1: D1Database, r: EmailReply, now: string) => {
  const values: Values = {
    organizationId: r.organizationId,
    ticketId: r.ticketId,
    emailRowId: newId(),
    messageId: r.messageId,
    sender: r.sender,
    messages: JSON.stringify([{ role: "customer", content: r.content, from: r.sender }]),
    count: 1,
    hasCustomer: r.automated ? 0 : 1,
    eventId: newId(),
    reopenEventId: newId(),
    jobId: newId(),
    receivedEventId: newId(),
    attachments: JSON.stringify(r.attachments),
    attachmentCount: r.attachments.length,
    skipped: JSON.stringify(r.skipped),
    now,
  };
  const results = await runPlan(d1, emailReplyPlan(undefined), values);
  const report = reportRow.parse(results.report.results[0]);
  if (!report?.added) return null;
  const jobs = eventJobRows.parse(results.eventJob.results).map((j): JobMessage => ({ jobId: j.id, kind: "event", ticketId: j.ticket_id }));
  return { jobs, webhooks: report.webhooks === 1 };
};
