import { recordDeadLetter } from "../db/job-outcomes";
import { nowIso } from "../lib/time";
import type { PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { ACK, type JobOutcome } from "./outcome";
import { JOB_HANDLERS, type JobHandler } from "./registry";

/** Dead-letter queues are named after their queue with this suffix (see wrangler.toml). */
export const isDeadLetterQueue = (queueName: string) => queueName.endsWith("-dlq");

/**
 * A job that exhausted its retries. A kind with a last try gets it (a categorization: one run
 * with the built-in classifier only); if there is none or it fails too, the job and what its kind
 * says fails with it (src/jobs/registry.ts) are marked `failed`. If even that write fails, the
 * message is retried here, and should the DLQ give up as well the job is still `pending` in the
 * outbox, where the sweeper finds it again.
 */
export const runDeadLetter = async (deps: PipelineDeps, message: JobMessage, attempts: number): Promise<JobOutcome> => {
  const { lastTry, fails }: JobHandler["deadLetter"] = JOB_HANDLERS[message.kind].deadLetter;
  let error = "exhausted its retries";
  if (lastTry) {
    try {
      const outcome = await lastTry(deps, message, attempts);
      if (outcome.kind === "ack") return ACK;
      error = outcome.error ?? error;
    } catch (err) {
      error = `exhausted its retries; fallback failed: ${String(err).slice(0, 200)}`;
    }
  }
  console.error(JSON.stringify({ msg: "job dead-lettered", ...message, error }));
  await recordDeadLetter(deps.db, { ticketId: message.ticketId, jobId: message.jobId, attempts, error, fails }, nowIso());
  return ACK;
};
