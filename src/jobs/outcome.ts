/** What a job asks of its queue message; the consumer acks or retries accordingly. */
export type JobOutcome = { kind: "ack" } | { kind: "retry"; delaySeconds: number; error: string };

export const ACK: JobOutcome = { kind: "ack" };
