import { loadNotifyContext } from "../db/job-context";
import { recordNotification } from "../db/job-outcomes";
import { nowIso } from "../lib/time";
import { ticketMessage } from "../slack/message";
import { deliver } from "./deliver";
import { noteWebhooks, type PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { ACK, type JobOutcome } from "./outcome";

/**
 * The notify job: posts the ticket to the webhook that routing chose when the ticket was
 * categorized (the matched rule's, else the organization's), so the post goes where the stored
 * assignee says even if the rules change meanwhile, and records the outcome right after the answer.
 *
 * Redelivery after a successful post finds the job done and posts nothing. The one window left is
 * a crash between Slack's 2xx and that D1 write: the redelivery then posts again. We accept that
 * rare duplicate (at-least-once) over marking the job before posting (at-most-once), which would
 * lose the notification for good on the same crash.
 */
export const runNotify = async (deps: PipelineDeps, message: JobMessage, attempt: number): Promise<JobOutcome> => {
  const ctx = await loadNotifyContext(deps.db, message.ticketId, message.jobId);
  const job = ctx?.notifyJob;
  if (!ctx || job?.id !== message.jobId || job.status !== "pending") return ACK;
  noteWebhooks(deps, ctx.ticket);
  const attempts = Math.max(attempt, job.attempts + 1);
  // Too early (never sent so, but cheap to guard): finishing categorization sends notify again,
  // so acking costs nothing, while retrying would spend the queue's retries and dead-letter it.
  if (ctx.categorizeJob?.status === "pending") return ACK;

  const { ticket } = ctx;
  const finish = (notification: "sent" | "skipped" | "failed", error?: string) =>
    recordNotification(deps.db, { ticketId: ticket.id, jobId: job.id, attempts, notification, error }, nowIso()).then(() => ACK);

  // Skipped only without a webhook to post to. An auto-resolving category never gets here (the
  // categorize job closes this job); a ticket an agent resolved meanwhile is still posted, as new.
  const { webhookUrl } = job;
  if (!webhookUrl) return finish("skipped");

  return deliver(deps, message, attempts, webhookUrl, ticketMessage({ ...ticket, firstCustomerMessage: ctx.firstCustomerMessage }), finish);
};
