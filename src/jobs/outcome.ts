/** What a job asks of its queue message; the consumer acks or retries accordingly. */
/** `attempts`: the job's own count, which outlives queue messages (a sweeper re-send restarts at 1). */
/**
 * `reschedule`: a rate limit, not a failure. The message is acked and sent again as a fresh one
 * (carrying `rateLimited`), so it spends none of the queue's retries; `attempts` stays the job's
 * count of real tries.
 */
export type JobOutcome =
  | { kind: "ack" }
  | { kind: "retry"; delaySeconds: number; error: string; attempts?: number }
  | { kind: "reschedule"; delaySeconds: number; error: string; rateLimited: number; attempts: number };

export const ACK: JobOutcome = { kind: "ack" };
