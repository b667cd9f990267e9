import { loadEventContext, type EventContext, type JobRow, type TicketEventRow } from "../db/job-context";
import { postsBefore } from "../db/job-kinds";
import { recordEventNotification } from "../db/job-outcomes";
import { nowIso } from "../lib/time";
import { eventMessage, type EventNotice } from "../slack/event-message";
import { backoffSeconds } from "./backoff";
import { deliver, RATE_LIMITS } from "./deliver";
import { noteWebhooks, type PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { ACK, type JobOutcome } from "./outcome";

/** How long an event job waits for the ticket's earlier posts (categorization's AI retries take up to about a minute). */
const WAIT_FOR_EARLIER_POSTS_SECONDS = 30;

/** What the message says about the event; undefined for an event that posts nothing. */
const noticeOf = (event: TicketEventRow, reply: string | null): EventNotice | undefined => {
  const data = event.data as { from?: string; to?: string; count?: number; reopenedFrom?: string | null };
  if (event.type === "message_added") return { kind: "reply", count: data.count ?? 1, reply, reopenedFrom: data.reopenedFrom ?? null };
  if (event.type === "status_changed") {
    const by = event.actor.type === "api" ? `API key ${event.actor.keyPrefix}…` : event.actor.type;
    return { kind: "status", from: data.from ?? "?", to: data.to ?? "?", by };
  }
  return undefined;
};

/** Posts of this ticket that must reach Slack before this one (its first notification, and event posts written earlier), and what they wait for. */
const earlierPostPending = (ctx: EventContext, job: JobRow) => ctx.jobs.some((j) => j.status === "pending" && postsBefore(j, job));

/**
 * The event job: posts one ticket event (a customer reply, a status change) to the webhook that
 * routing chose for the ticket, which the notify job holds (the matched rule's, else the
 * organization's), whatever became of the first notification: only the new-ticket post is skipped
 * for an auto-resolving category. Same escaping, retry and dead-letter handling as the first
 * notification, and the same at-least-once window: redelivery after a 2xx whose outcome was
 * stored posts nothing. Posts of one ticket reach Slack in order: the new-ticket post first, then
 * its events as they happened.
 */
export const runEventNotify = async (deps: PipelineDeps, message: JobMessage, attempt: number): Promise<JobOutcome> => {
  const ctx = await loadEventContext(deps.db, message.ticketId, message.jobId);
  const job = ctx?.job;
  if (!ctx || !job || job.kind !== "event" || job.status !== "pending") return ACK;
  noteWebhooks(deps, ctx.ticket);
  const attempts = Math.max(attempt, job.attempts + 1);
  // Until the posts before this one are out (or failed for good), wait. Waiting is not a failure:
  // the job comes back as a fresh message, spending none of the queue's retries and recording no error.
  if (earlierPostPending(ctx, job)) {
    const waited = message.rateLimited ?? 0;
    return waited >= RATE_LIMITS.maxReschedules
      ? { kind: "retry", attempts, delaySeconds: backoffSeconds(attempts), error: "waited too long for the ticket's earlier posts" }
      : { kind: "reschedule", delaySeconds: WAIT_FOR_EARLIER_POSTS_SECONDS, error: null, rateLimited: waited + 1, attempts: attempts - 1 };
  }
  const finish = (outcome: "sent" | "skipped" | "failed", error?: string) =>
    recordEventNotification(
      deps.db,
      { ticketId: ctx.ticket.id, jobId: job.id, eventId: job.eventId, attempts, outcome, error },
      nowIso(),
    ).then(() => ACK);

  const notice = ctx.event && noticeOf(ctx.event, ctx.reply);
  const webhookUrl = ctx.notifyJob?.webhookUrl;
  // Nothing goes out without a webhook (neither a matched rule's nor the organization's).
  if (!notice || !webhookUrl) return finish("skipped");

  return deliver(deps, message, attempts, webhookUrl, eventMessage(ctx.ticket, notice), finish);
};
