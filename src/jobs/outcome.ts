/** What a job asks of its queue message; the consumer acks or retries accordingly. */
/** `attempts`: the job's own count, which outlives queue messages (a sweeper re-send restarts at 1). */
/**
 * `reschedule`: a rate limit, not a failure. The message is acked and sent again as a fresh one
 * (carrying `rateLimited`), so it spends none of the queue's retries; `attempts` stays the job's
 * count of real tries.
 */
/**
 * `error` null: a wait that is no failure (pacing, waiting for an earlier post), which leaves the
 * job's last error as it was. `lease`: the claim this delivery held (src/db/job-outcomes.ts
 * `claimJob`), released when it hands the job back to the queue.
 */
export type JobOutcome =
  | { kind: "ack" }
  | { kind: "retry"; delaySeconds: number; error: string; attempts?: number; lease?: string }
  | { kind: "reschedule"; delaySeconds: number; error: string | null; rateLimited: number; attempts: number; lease?: string };

export const ACK: JobOutcome = { kind: "ack" };

/** What a job that threw records as its last error. */
export const INTERNAL_JOB_ERROR = "internal error; retrying";

/**
 * A job that threw (D1 lost mid-job, a bug): retried like any transient failure. The job's
 * `last_error` is shown to users (getTicket's `processing.notificationError`), so it says what
 * happened in plain words; the runtime's message, which may carry SQL or a stack trace, goes to the
 * log only, under the job's id.
 */
export const internalFailure = (
  jobId: string,
  err: unknown,
  retry: { delaySeconds: number; attempts?: number; lease?: string },
): JobOutcome => {
  console.error(JSON.stringify({ msg: "job failed; retrying", jobId, error: String(err).slice(0, 500) }));
  return { kind: "retry", error: INTERNAL_JOB_ERROR, ...retry };
};
