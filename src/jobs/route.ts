import { loadRouteContext } from "../db/job-context";
import { recordRouting } from "../db/job-outcomes";
import { nowIso } from "../lib/time";
import { noteWebhooks, type PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { ACK, type JobOutcome } from "./outcome";
import { routeTicket } from "./routing";

/**
 * The route job: routing again after a person changed the ticket's category (updateTicket). The
 * assignee follows the first matching rule unless a person set it; the SQL of `recordRouting`
 * keeps a manual assignee even if one lands while this job runs. Later replies and status changes
 * go to the matched rule's webhook (else the organization's). A redelivery of a finished job acks.
 */
export const runRoute = async (deps: PipelineDeps, message: JobMessage, attempt: number): Promise<JobOutcome> => {
  const ctx = await loadRouteContext(deps.db, message.ticketId, message.jobId);
  const job = ctx?.job;
  if (!ctx || !job || job.kind !== "route" || job.status !== "pending") return ACK;
  noteWebhooks(deps, ctx.ticket);
  const route = routeTicket(ctx, ctx.ticket.category);
  await recordRouting(
    deps.db,
    {
      ticketId: ctx.ticket.id,
      jobId: job.id,
      attempts: Math.max(attempt, job.attempts + 1),
      assignee: route.assignee,
      webhookUrl: route.webhookUrl,
    },
    nowIso(),
  );
  return ACK;
};
