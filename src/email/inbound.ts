import { createDb } from "../db/client";
import { namedBatch } from "../db/batch";
import { shardUsable } from "../db/shard-schema";
import { shardD1 } from "../db/shards";
import { inboundContext, NEW_TICKETS_PER_SENDER_PER_HOUR, recordBounceBatch, storeNewEmailTicket } from "../db/email-inbound";
import { storeEmailReply } from "../db/email-reply";
import { emailPrefix } from "../db/customers";
import { ticketTerms } from "../ai/terms";
import type { Env } from "../env";
import { clip, describeConversation } from "../api/tickets/description";
import { toHex } from "../lib/crypto";
import { newId } from "../lib/ids";
import { nowIso } from "../lib/time";
import { enqueueJobs } from "../jobs/enqueue";
import type { JobMessage } from "../jobs/messages";
import { dispatchWebhooks } from "../webhooks/messages";
import { splitRecipient } from "./address";
import { forgetAddress, shardOfAddress } from "./directory";
import { EMAIL_LIMITS, type EmailLimits, formatBytes, type InboundAttachment, type InboundMail, parseMail } from "./parse";
import { visibleReply } from "./reply-text";

/** What became of one delivery, for the log line and the tests; a rejection is also told to the sender. */
export type InboundOutcome =
  | { kind: "rejected"; reason: string }
  | { kind: "duplicate" }
  | { kind: "bounce"; ticketId: string | null }
  | { kind: "created"; ticketId: string }
  | { kind: "replied"; ticketId: string };

const HOUR_MS = 60 * 60 * 1000;

/** A reply token: 16 random bytes as hex, unguessable, so a made-up `+tag` threads onto nothing. */
const newReplyToken = () => toHex(crypto.getRandomValues(new Uint8Array(16)));

/** A note names at most this many left-out attachments, each name clipped, so it stays a few lines whatever the mail holds. */
const NOTE_NAMES = 10;
const NOTE_NAME_CHARS = 100;

/** The names of left-out attachments a note or an event lists: the first NOTE_NAMES, clipped, and how many more. */
const skippedNames = (skipped: string[]) => {
  const names = skipped.slice(0, NOTE_NAMES).map((n) => clip(n, NOTE_NAME_CHARS));
  return skipped.length > NOTE_NAMES ? [...names, `and ${skipped.length - NOTE_NAMES} more`] : names;
};

/** The stored message: the text (clipped like an API message), saying which attachments were left out. */
const messageContent = (text: string, skipped: string[], limits: EmailLimits) => {
  const note = skipped.length
    ? `\n\n[${skipped.length} attachment${skipped.length === 1 ? "" : "s"} not kept (at most ${limits.attachments}, ${formatBytes(limits.attachmentBytes)} each): ${skippedNames(skipped).join(", ")}]`
    : "";
  const body = text || "(no text)";
  return clip(body, Math.max(1, limits.content - note.length)) + note;
};

type StoredAttachment = { id: string; filename: string; contentType: string; size: number; r2Key: string };

/**
 * Puts the attachments in R2 before anything points at them. A failed put throws (the mail is then
 * retried by the sending server, nothing stored); those already put are deleted on the way out.
 */
const putAttachments = async (bucket: R2Bucket, organizationId: string, list: InboundAttachment[]): Promise<StoredAttachment[]> => {
  const stored = list.map((a) => {
    const id = newId();
    return {
      id,
      filename: a.filename,
      contentType: a.contentType,
      size: a.content.byteLength,
      r2Key: `attachments/${organizationId}/${id}`,
      content: a.content,
    };
  });
  const results = await Promise.allSettled(
    stored.map((a) =>
      bucket.put(a.r2Key, a.content, { httpMetadata: { contentType: a.contentType }, customMetadata: { filename: a.filename } }),
    ),
  );
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    await deleteAttachments(bucket, stored);
    throw new Error(`attachment upload failed: ${String((failed as PromiseRejectedResult).reason)}`);
  }
  return stored.map(({ content: _content, ...a }) => a);
};

const deleteAttachments = async (bucket: R2Bucket, list: { r2Key: string }[]) => {
  if (list.length === 0) return;
  try {
    await bucket.delete(list.map((a) => a.r2Key));
  } catch (err) {
    // Orphaned bytes nothing points at; logged for the operator, the mail itself is safe.
    console.warn(JSON.stringify({ msg: "attachment cleanup failed", keys: list.map((a) => a.r2Key), error: String(err) }));
  }
};

/**
 * One mail delivered by Email Routing to a support address: a new ticket, a reply on one, a bounce
 * recorded, or a rejection the sending server hears (`setReject`). Whatever is stored is stored in
 * one D1 batch before this returns; if that fails it throws, so Email Routing makes the sending
 * server retry instead of the mail being lost (a redelivered Message-ID then adds nothing).
 */
export const receiveEmail = async (
  message: ForwardableEmailMessage,
  env: Env,
  ctx: ExecutionContext,
  limits: EmailLimits = EMAIL_LIMITS,
): Promise<InboundOutcome> => {
  const outcome = await receive(message, env, ctx, limits);
  if (outcome.kind === "rejected") message.setReject(outcome.reason);
  // The sender's address is the customer's personal data: not logged; the outcome and the ticket are.
  console.log(JSON.stringify({ msg: "email received", outcome: outcome.kind, ...outcome }));
  return outcome;
};

const receive = async (message: ForwardableEmailMessage, env: Env, ctx: ExecutionContext, limits: EmailLimits): Promise<InboundOutcome> => {
  if (message.rawSize > limits.rawBytes) return { kind: "rejected", reason: `Message too large: at most ${formatBytes(limits.rawBytes)}` };
  const recipient = splitRecipient(message.to);
  const parsed = await parseMail(await new Response(message.raw).arrayBuffer(), message.from, limits);
  if (parsed.kind === "reject") return { kind: "rejected", reason: parsed.reason };
  const mail = parsed.mail;
  const now = nowIso();
  const query = {
    address: recipient.address,
    tag: recipient.tag,
    messageId: mail.messageId,
    thread: mail.thread,
    bounced: mail.bounce?.originalIds ?? [],
    sender: mail.from.address,
    since: new Date(Date.parse(now) - HOUR_MS).toISOString(),
  };
  // The recipient's shard (src/email/directory.ts), then everything on that shard. A cached shard
  // that no longer knows the address (it moved to another organization) is looked up again.
  let place = await shardOfAddress(env, recipient.address);
  if (!place) return { kind: "rejected", reason: "Unknown recipient" };
  let context = await inboundContext(createDb(shardD1(env, place.shard)), { ...query, organizationId: place.organizationId });
  if (!context && place.cached) {
    forgetAddress(recipient.address);
    place = await shardOfAddress(env, recipient.address);
    if (!place) return { kind: "rejected", reason: "Unknown recipient" };
    context = await inboundContext(createDb(shardD1(env, place.shard)), { ...query, organizationId: place.organizationId });
  }
  // A shard whose schema is behind is not written to: thrown, so the delivery is retried later.
  if (!(await shardUsable(env, place.shard)))
    throw new Error(`shard ${place.shard} is unavailable (schema behind); the delivery is retried`);
  const d1 = shardD1(env, place.shard);
  const { shard } = place;
  const db = createDb(d1);
  if (!context) return { kind: "rejected", reason: "Unknown recipient" };
  if (context.duplicate) return { kind: "duplicate" };
  const { organization } = context;
  if (mail.bounce) {
    // A bounce opens no ticket; one of a message we sent is recorded on that message's ticket, once.
    const ticketId = context.bouncedTicketId;
    if (ticketId) {
      const bounce = {
        ticketId,
        organizationId: organization.id,
        emailRowId: newId(),
        eventId: newId(),
        messageId: mail.messageId,
        reason: clip(mail.subject || "delivery failed", 200),
      };
      await namedBatch(db, recordBounceBatch(db, bounce, now));
    }
    return { kind: "bounce", ticketId };
  }
  // A reply goes onto its ticket, unless that ticket is full: then it opens a follow-up ticket.
  const replyTo = context.ticketFull ? null : context.ticketId;
  if (!replyTo && context.openedLastHour >= NEW_TICKETS_PER_SENDER_PER_HOUR) {
    return { kind: "rejected", reason: `Too many new tickets from this sender: at most ${NEW_TICKETS_PER_SENDER_PER_HOUR} per hour` };
  }

  const attachments = await putAttachments(env.ATTACHMENTS, organization.id, mail.attachments);
  let stored: { jobs: JobMessage[]; webhooks: boolean } | null;
  let ticketId: string;
  try {
    if (replyTo) {
      ticketId = replyTo;
      stored = await storeEmailReply(
        d1,
        {
          organizationId: organization.id,
          ticketId,
          messageId: mail.messageId,
          sender: mail.from.address,
          content: messageContent(visibleReply(mail.text), mail.skipped, limits),
          attachments,
          skipped: skippedNames(mail.skipped),
          automated: mail.automated,
        },
        now,
      );
    } else {
      ticketId = newId();
      stored = await storeNewEmailTicket(db, newTicketOf(mail, organization.id, ticketId, attachments, limits, query.since, now));
    }
  } catch (err) {
    await deleteAttachments(env.ATTACHMENTS, attachments);
    throw err;
  }
  if (!stored) {
    // What the read decided no longer held at the write (a copy of this mail stored meanwhile, the
    // ticket filled up, the sender's limit reached): never a silent drop. Thrown, so the sending
    // server delivers again and that delivery decides afresh (a duplicate, a follow-up ticket, a rejection).
    await deleteAttachments(env.ATTACHMENTS, attachments);
    throw new Error("email not stored: what the read decided changed before the write; the delivery is retried");
  }
  // Durable already: a lost send is re-sent by the sweeper.
  ctx.waitUntil(enqueueJobs(env.JOBS, shard, stored.jobs));
  if (stored.webhooks) ctx.waitUntil(dispatchWebhooks(env.WEBHOOKS, shard, organization.id));
  return replyTo ? { kind: "replied", ticketId } : { kind: "created", ticketId };
};

const newTicketOf = (
  mail: InboundMail,
  organizationId: string,
  ticketId: string,
  attachments: StoredAttachment[],
  limits: EmailLimits,
  /** The sender's hourly window: the read's own, so read and write count the same hour. */
  since: string,
  now: string,
) => {
  const title = clip(mail.subject || "(no subject)", limits.title);
  const content = messageContent(mail.text, mail.skipped, limits);
  const messages = [{ role: "customer" as const, content }];
  return {
    organizationId,
    emailRowId: newId(),
    messageId: mail.messageId,
    sender: mail.from.address,
    senderName: mail.from.name ?? emailPrefix(mail.from.address),
    ticketId,
    customerId: newId(),
    title,
    description: describeConversation(messages),
    message: { ...messages[0]!, from: mail.from.address },
    terms: JSON.stringify(ticketTerms({ title, description: null, messages })),
    replyToken: newReplyToken(),
    attachments,
    skipped: skippedNames(mail.skipped),
    acknowledge: !mail.automated,
    ids: { categorizeJob: newId(), notifyJob: newId(), ackJob: newId(), createdEvent: newId(), receivedEvent: newId() },
    since,
    now,
  };
};
