import { and, eq } from "drizzle-orm";
import { loadNotifyContext, type NotifyContext } from "../db/job-context";
import { jobs } from "../db/schema";
import { webhookEndpoints } from "../db/webhook-schema";
import type { JobContextLoader } from "../db/job-context";
import { nowIso } from "../lib/time";
import { escapeSlack } from "../slack/escape";
import { deliver } from "./deliver";
import type { PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { ACK, type JobOutcome } from "./outcome";

/** The ticket and its jobs (the organization's Slack webhook comes with the ticket). */
export const loadWebhookDisabledContext: JobContextLoader<NotifyContext> = loadNotifyContext;

/** The Slack message: which endpoint, why, and how to turn it back on. */
export const webhookDisabledMessage = (url: string, reason: string) => {
  const text =
    `A webhook endpoint of this organization was ${escapeSlack(reason)}: ${escapeSlack(url)}. ` +
    "Fix the receiver, then re-enable it with updateEndpoint (enabled: true) and send what it missed with redeliver.";
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
};

/**
 * The webhook_disabled job: tells the organization's Slack (its default webhook) that an endpoint
 * was disabled after 5 days of failures. Written in the same batch as the attempt that disabled
 * it, so the notice is as durable as the change; paced, claimed and retried like every Slack post.
 * An organization without a Slack webhook has nobody to tell: the job is done.
 */
export const runWebhookDisabled = async (deps: PipelineDeps, message: JobMessage, attempt: number): Promise<JobOutcome> => {
  const ctx = await loadWebhookDisabledContext(deps.db, message.ticketId, message.jobId);
  const job = ctx?.job;
  if (!ctx || !job || job.kind !== "webhook_disabled" || job.status !== "pending") return ACK;
  const finish = async (outcome: "sent" | "failed", error?: string): Promise<JobOutcome> => {
    await deps.db
      .update(jobs)
      .set({
        status: outcome === "sent" ? "done" : "failed",
        attempts: attempt,
        lastError: error ?? null,
        leasedUntil: null,
        updatedAt: nowIso(),
      })
      .where(and(eq(jobs.id, job.id), eq(jobs.status, "pending")));
    return ACK;
  };
  const url = ctx.ticket.orgWebhookUrl;
  if (!url) return finish("sent");
  const [endpoint] = await deps.db
    .select({ url: webhookEndpoints.url, reason: webhookEndpoints.disabledReason })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, job.eventId));
  if (!endpoint) return finish("sent");
  return deliver(deps, message, attempt, url, webhookDisabledMessage(endpoint.url, endpoint.reason ?? "disabled"), finish);
};
