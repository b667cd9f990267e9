import { recordDeadLetter } from "../db/job-outcomes";
import { nowIso } from "../lib/time";
import { runCategorize } from "./categorize";
import type { PipelineDeps } from "./deps";
import type { JobMessage } from "./messages";
import { ACK, type JobOutcome } from "./outcome";

/** Dead-letter queues are named after their queue with this suffix (see wrangler.toml). */
export const isDeadLetterQueue = (queueName: string) => queueName.endsWith("-dlq");

/**
 * A job that exhausted its retries. A categorization gets one last run with the built-in
 * classifier only (no AI, no retry), so a ticket still gets a category when only the AI path
 * was failing; if that fails too, or for a notification, the job and the ticket's state are
 * marked `failed`. If even that write fails, the message is retried here, and should the DLQ give
 * up as well the job is still `pending` in the outbox, where the sweeper finds it again.
 */
export const runDeadLetter = async (deps: PipelineDeps, message: JobMessage, attempts: number): Promise<JobOutcome> => {
  let error = "exhausted its retries";
  if (message.kind === "categorize") {
    try {
      const outcome = await runCategorize(deps, message, attempts, { useAi: false });
      if (outcome.kind === "ack") return ACK;
      error = outcome.error ?? error;
    } catch (err) {
      error = `exhausted its retries; fallback failed: ${String(err).slice(0, 200)}`;
    }
  }
  console.error(JSON.stringify({ msg: "job dead-lettered", ...message, error }));
  await recordDeadLetter(deps.db, { ...message, attempts, error }, nowIso());
  return ACK;
};
