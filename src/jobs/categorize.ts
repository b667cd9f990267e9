import { loadCategorizeContext, type CategorizeContext } from "../db/job-context";
import { recordCategorization } from "../db/job-outcomes";
import { nowIso } from "../lib/time";
import { chooseCategory, type CategoryChoice } from "./choose-category";
import { noteWebhooks, type PipelineDeps } from "./deps";
import { enqueueJobs } from "./enqueue";
import type { JobMessage } from "./messages";
import { ACK, type JobOutcome } from "./outcome";
import { backoffSeconds } from "./backoff";
import { routeTicket } from "./routing";

/**
 * Steps 2 and 3 after the category is known, in the contract's order: an auto-resolve category
 * resolves the ticket and rules out Slack; routing sets the assignee and decides whether there
 * is a webhook to notify at all.
 */
export const planTicket = (ctx: CategorizeContext, choice: CategoryChoice) => {
  const category = choice.category?.toLowerCase();
  // A category chosen by hand never auto-resolves: a person decided this ticket needs handling.
  const autoResolve = choice.source !== "manual" && ctx.categories.some((c) => c.nameLower === category && c.active && c.autoResolve);
  const route = routeTicket(ctx, choice.category);
  // Where the notification goes, decided now with the assignee; null: nothing to send.
  const notifyWebhook = autoResolve ? null : route.webhookUrl;
  return {
    routeWebhook: route.webhookUrl,
    changes: {
      category: choice.category,
      categorySource: choice.source,
      categoryConfidence: choice.confidence,
      categorization: ctx.ticket.categorization === "skipped" ? ("skipped" as const) : ("done" as const),
      assignee: route.assignee,
      ...(autoResolve ? { status: "resolved" as const } : {}),
      ...(notifyWebhook ? {} : { notification: "skipped" as const }),
    },
    notifyWebhook,
  };
};

/**
 * The categorize job: categorize → auto-resolve → routing, recorded in one D1 batch together
 * with the job's own completion, then the notify job handed to the queue. A redelivery of a
 * finished job changes nothing; a lost notify send is re-sent by the sweeper from the outbox.
 */
export const runCategorize = async (
  deps: PipelineDeps,
  message: JobMessage,
  attempt: number,
  opts: { useAi: boolean } = { useAi: true },
): Promise<JobOutcome> => {
  // Twice at most: a manual category set while the classifier ran voids the first outcome, and the
  // second plan starts from that manual category (no classifier call, nothing left to race with).
  for (let round = 0; round < 2; round++) {
    const ctx = await loadCategorizeContext(deps.db, message.ticketId, message.jobId);
    const job = ctx?.categorizeJob;
    if (!ctx || job?.id !== message.jobId || job.status !== "pending") return ACK;
    noteWebhooks(deps, ctx.ticket);
    // A sweeper re-send starts a fresh message at attempt 1; the outbox row remembers earlier ones.
    const attempts = Math.max(attempt, job.attempts + 1);

    const decision = await chooseCategory(deps, ctx, attempts, opts.useAi);
    if (decision.kind === "retry") return { ...decision, attempts };

    const plan = planTicket(ctx, decision);
    const won = await recordCategorization(
      deps.db,
      {
        ticketId: ctx.ticket.id,
        jobId: job.id,
        attempts,
        changes: plan.changes,
        notifyWebhook: plan.notifyWebhook,
        routeWebhook: plan.routeWebhook,
      },
      nowIso(),
    );
    if (won) {
      if (plan.notifyWebhook && ctx.notifyJob) {
        await enqueueJobs(deps.queue, deps.shard, [{ jobId: ctx.notifyJob.id, kind: "notify", ticketId: ctx.ticket.id }]);
      }
      return ACK;
    }
  }
  // Another delivery finished the job, or a manual change keeps landing: the queue brings it back.
  return { kind: "retry", delaySeconds: backoffSeconds(attempt), error: "the ticket changed while it was categorized" };
};
