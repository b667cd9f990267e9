/** What a job asks of its queue message; the consumer acks or retries accordingly. */
/** `attempts`: the job's own count, which outlives queue messages (a sweeper re-send restarts at 1). */
export type JobOutcome = { kind: "ack" } | { kind: "retry"; delaySeconds: number; error: string; attempts?: number };

export const ACK: JobOutcome = { kind: "ack" };
