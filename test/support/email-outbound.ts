import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { OutboundMail, Mailer } from "../../src/email/mailer";
import { consumeBatch } from "../../src/jobs/consumer";
import type { PipelineDeps } from "../../src/jobs/deps";
import type { JobMessage } from "../../src/jobs/messages";
import { admin } from "./http";
import { createOrg, type TestOrg } from "./orgs";
import { JOBS_QUEUE } from "./queue";
import { newTicket, rows, rowsOn } from "./tickets";

/**
 * An email ticket for the outbound side's tests, until the inbound handler makes real ones: an
 * organization with email settings (the operator API), a ticket created through the API, then
 * made an email ticket in D1 the way the inbound batch stores one (channel, reply token, the
 * customer's name, the received mail's Message-ID).
 */
export type EmailTicket = {
  org: TestOrg;
  ticketId: string;
  createdEventId: string;
  customerEmail: string;
  fromAddress: string | null;
  replyToken: string;
};

let counter = 0;

export const emailTicket = async (
  opts: {
    title?: string;
    orgName?: string;
    fromName?: string | null;
    customerEmail?: string;
    customerName?: string | null;
    /** The organization's addresses, the first is the send-from one; [] for none. */
    addresses?: string[];
    /** Received Message-IDs of the thread, oldest first (without angle brackets). */
    inbound?: string[];
    channel?: "email" | "api";
  } = {},
): Promise<EmailTicket> => {
  const n = ++counter;
  const org = await createOrg({ name: opts.orgName ?? `Email org ${n}` });
  const customerEmail = opts.customerEmail ?? `customer${n}@example.com`;
  const ticketId = await newTicket(org.apiKey, { title: opts.title ?? "Printer jam", customerEmail });
  const replyToken = `tok${n}${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const addresses = opts.addresses ?? [`support${n}@acme.example`];
  // The organization's email settings through the operator API (PATCH /admin/organizations/{id}).
  if (addresses.length > 0) {
    const res = await admin("PATCH", `/admin/organizations/${org.id}`, {
      email: { addresses, ...(opts.fromName ? { fromName: opts.fromName } : {}) },
    });
    if (res.status !== 200) throw new Error(`email settings failed: ${res.status} ${res.text}`);
  }
  await org.db.batch([
    org.db.prepare("update tickets set channel = ?, reply_token = ? where id = ?").bind(opts.channel ?? "email", replyToken, ticketId),
    org.db
      .prepare("update customers set name = ? where organization_id = ? and email_lower = ?")
      .bind(opts.customerName === undefined ? `Customer ${n}` : opts.customerName, org.id, customerEmail.toLowerCase()),
    ...(opts.inbound ?? [`inbound-${n}@mail.example.com`]).map((messageId, i) =>
      org.db
        .prepare(
          "insert into email_messages (id, organization_id, message_id, ticket_id, direction, sender, opened_ticket, created_at) values (?, ?, ?, ?, 'in', ?, ?, ?)",
        )
        .bind(crypto.randomUUID(), org.id, messageId, ticketId, customerEmail.toLowerCase(), i === 0 ? 1 : 0, isoAt(i)),
    ),
  ]);
  const [created] = await rows<{ id: string }>("select id from ticket_events where ticket_id = ? and type = 'created'", ticketId);
  return { org, ticketId, createdEventId: created!.id, customerEmail, fromAddress: addresses[0] ?? null, replyToken };
};

/** Timestamps a fixed second apart from 2026-01-01, so a thread's order is the order given. */
const isoAt = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

/** Another Message-ID of the thread, received or sent, `i` seconds into it. */
export const threadMessage = (ticket: EmailTicket, messageId: string, direction: "in" | "out", i: number) =>
  rowsOn(
    ticket.org.shard,
    "insert into email_messages (id, organization_id, message_id, ticket_id, direction, created_at) values (?, ?, ?, ?, ?, ?)",
    crypto.randomUUID(),
    ticket.org.id,
    messageId,
    ticket.ticketId,
    direction,
    isoAt(i),
  );

/** The outbox row of an email job for `eventId`, as the writes that call for one store it; its queue message. */
export const emailJob = async (ticket: EmailTicket, eventId: string): Promise<JobMessage> => {
  const jobId = crypto.randomUUID();
  const now = new Date().toISOString();
  await rowsOn(
    ticket.org.shard,
    "insert into jobs (id, organization_id, ticket_id, kind, status, attempts, event_id, enqueued_at, created_at, updated_at) values (?, ?, ?, 'email', 'pending', 0, ?, ?, ?, ?)",
    jobId,
    ticket.org.id,
    ticket.ticketId,
    eventId,
    now,
    now,
    now,
  );
  return { jobId, kind: "email", ticketId: ticket.ticketId, shard: ticket.org.shard };
};

/** The acknowledgement's job: the one for the ticket's `created` event. */
export const acknowledgementJob = (ticket: EmailTicket) => emailJob(ticket, ticket.createdEventId);

/**
 * Agent messages appended to the ticket as addMessages stores them (the messages, then a
 * `message_added` event with `fromPosition` and `count`); returns the event's id.
 */
export const agentMessages = async (ticket: EmailTicket, contents: string[], extra: { role: string; content: string }[] = []) => {
  const [{ count }] = (await rows<{ count: number }>(
    "select count(*) as count from ticket_messages where ticket_id = ?",
    ticket.ticketId,
  )) as [{ count: number }];
  const added = [...extra, ...contents.map((content) => ({ role: "agent", content }))];
  const eventId = crypto.randomUUID();
  const db = ticket.org.db;
  await db.batch([
    ...added.map((m, i) =>
      db
        .prepare("insert into ticket_messages (ticket_id, position, role, content) values (?, ?, ?, ?)")
        .bind(ticket.ticketId, count + i, m.role, m.content),
    ),
    db
      .prepare(
        "insert into ticket_events (id, ticket_id, organization_id, type, actor, data, created_at) values (?, ?, ?, 'message_added', ?, ?, ?)",
      )
      .bind(
        eventId,
        ticket.ticketId,
        ticket.org.id,
        JSON.stringify({ type: "api", keyPrefix: "tik_test" }),
        JSON.stringify({ count: added.length, fromPosition: count, reopenedFrom: null }),
        new Date().toISOString(),
      ),
  ]);
  return eventId;
};

/** A mailer that keeps every email it is given; `answer` decides what each send returns or throws. */
export const captureMailer = (
  answer: (mail: OutboundMail, n: number) => Promise<{ messageId: string }> = async (_mail, n) => ({
    messageId: `<platform-${n}@acme.example>`,
  }),
) => {
  const sent: OutboundMail[] = [];
  const mailer: Mailer = {
    send: async (mail) => {
      sent.push(mail);
      return answer(mail, sent.length);
    },
  };
  return { mailer, sent };
};

/**
 * The worker's jobs consumer on a real message batch, with dependencies replaced at their boundary
 * (the mailer); returns what it acked and retried, and the delay asked for each retry.
 */
export const runEmailQueue = async (
  messages: JobMessage[],
  opts: { attempts?: number; queue?: string; deps?: Partial<PipelineDeps> } = {},
) => {
  const batch = createMessageBatch<JobMessage>(
    opts.queue ?? JOBS_QUEUE,
    messages.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  );
  const delays: Record<string, number | undefined> = {};
  for (const m of batch.messages) {
    const retry = m.retry.bind(m);
    vi.spyOn(m, "retry").mockImplementation((options) => {
      delays[m.id] = options?.delaySeconds;
      retry(options);
    });
  }
  const ctx = createExecutionContext();
  await consumeBatch(batch as MessageBatch<unknown>, env, opts.deps);
  return { ...(await getQueueResult(batch, ctx)), delays };
};

export type EmailJobRow = { id: string; status: string; attempts: number; last_error: string | null; leased_until: string | null };

export const emailJobRow = async (jobId: string) =>
  (await rows<EmailJobRow>("select id, status, attempts, last_error, leased_until from jobs where id = ?", jobId))[0]!;

export const threadOf = (ticketId: string) =>
  rows<{ message_id: string; direction: string }>(
    "select message_id, direction from email_messages where ticket_id = ? order by created_at, id",
    ticketId,
  );
