import { loadEmailContext, type EmailJobContext, type OutboundEmailKind, recordEmailFailed, recordEmailSent } from "../db/email-outbound";
import { claimJob } from "../db/job-outcomes";
import { ComposeError, composeEmail, type ComposedEmail } from "../email/compose";
import { isoAfter, nowIso } from "../lib/time";
import { backoffSeconds } from "./backoff";
import { noteWebhooks, type PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { ACK, internalFailure, type JobOutcome } from "./outcome";

/**
 * How long a delivery holds an email job while it sends. A send takes well under a second; the
 * lease only has to outlast it, and a copy that lost the claim comes back after it.
 */
export const EMAIL_LEASE_MS = 60_000;

/** What the job's event makes it send, or why it cannot send anything, ever. */
type Plan = { kind: "send"; email: ComposedEmail; emailKind: OutboundEmailKind } | { kind: "fail"; error: string };

const plan = (ctx: EmailJobContext, jobId: string, now: Date): Plan => {
  const { ticket, email, event } = ctx;
  if (email?.channel !== "email") return { kind: "fail", error: "the ticket is not an email ticket" };
  if (!email.fromAddress) return { kind: "fail", error: "the organization has no email address to send from" };
  const emailKind = event?.type === "created" ? "acknowledgement" : event?.type === "message_added" ? "reply" : undefined;
  if (!emailKind) return { kind: "fail", error: "the job's event is neither a new ticket nor an agent's message" };
  if (emailKind === "reply" && ctx.agentMessages.length === 0) return { kind: "fail", error: "the event added no agent message" };
  const { first, latest, latestInbound } = ctx.thread;
  try {
    const composed = composeEmail({
      kind: emailKind,
      jobId,
      ticketId: ticket.id,
      title: ticket.title,
      from: { address: email.fromAddress, name: email.fromName || email.orgName },
      to: { address: ticket.customerEmail, name: ticket.customerName },
      replyToken: email.replyToken,
      messages: ctx.agentMessages,
      inReplyTo: latestInbound ?? latest.at(-1),
      references: first === undefined ? latest : [first, ...latest],
      date: now,
    });
    return { kind: "send", email: composed, emailKind };
  } catch (err) {
    if (err instanceof ComposeError) return { kind: "fail", error: err.message };
    throw err;
  }
};

/** What a failed send records as the job's last error: the platform's words, bounded, on one line. */
const sendError = (err: unknown) =>
  `send_email failed: ${String(err instanceof Error ? err.message : err)
    .replace(/\s+/g, " ")
    .slice(0, 300)}`;

/**
 * The email job: one email to an email ticket's customer, the acknowledgement of a new ticket or
 * an agent's reply (src/email/compose.ts builds it), sent through the mailer (send_email).
 *
 * Exactly once as far as the platform lets it be: the job is claimed (a lease, claimJob) before
 * the send, so a duplicate queue message or a sweeper re-send that arrives meanwhile sends nothing
 * and comes back after the lease, when the job is settled; after the send, one batch records the
 * `email_sent` event, the thread's new Message-ID and the job done. The remaining window is the
 * one every outbound call has: a crash between the platform's acceptance and that batch sends the
 * email again on redelivery (with the same Message-ID we composed). A failed send is retried with
 * backoff (the lease released); one that can never succeed (no email ticket, no send-from address,
 * no usable customer address) fails the job with an `email_failed` event at once.
 */
export const runEmail = async (deps: PipelineDeps, message: JobMessage, attempt: number): Promise<JobOutcome> => {
  const ctx = await loadEmailContext(deps.db, message.ticketId, message.jobId);
  const job = ctx?.job;
  if (!ctx || !job || job.kind !== "email" || job.status !== "pending") return ACK;
  noteWebhooks(deps, ctx.ticket);
  const attempts = Math.max(attempt, job.attempts + 1);
  const planned = plan(ctx, job.id, new Date());
  if (planned.kind === "fail") {
    await recordEmailFailed(deps.db, { ticketId: ctx.ticket.id, jobId: job.id, attempts, error: planned.error }, nowIso());
    return ACK;
  }

  const lease = isoAfter(EMAIL_LEASE_MS);
  if (!(await claimJob(deps.db, job.id, nowIso(), lease)))
    // Another delivery holds it: come back (a fresh message, spending no retry) once its lease is over.
    return { kind: "reschedule", delaySeconds: EMAIL_LEASE_MS / 1000, error: null, rateLimited: 0, attempts: attempts - 1 };

  const { email } = planned;
  let messageId: string;
  try {
    ({ messageId } = await deps.mailer.send({ from: email.from, to: email.to, raw: email.raw }));
  } catch (err) {
    return { kind: "retry", attempts, delaySeconds: backoffSeconds(attempts), error: sendError(err), lease };
  }
  try {
    await recordEmailSent(
      deps.db,
      {
        ticketId: ctx.ticket.id,
        jobId: job.id,
        attempts,
        kind: planned.emailKind,
        to: email.to,
        // Stored as email_messages stores every Message-ID: without the angle brackets.
        messageId: messageId.replace(/^<|>$/g, "") || email.messageId,
        composedMessageId: email.messageId,
      },
      nowIso(),
    );
  } catch (err) {
    return internalFailure(job.id, err, { attempts, delaySeconds: backoffSeconds(attempts), lease });
  }
  return ACK;
};
