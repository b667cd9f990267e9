import * as z from "zod/mini";
import { JOB_KINDS } from "../db/schema";

/** What travels on the jobs queue: a pointer to an outbox row, never the ticket itself. */
export const jobMessageSchema = z.object({
  jobId: z.string(),
  kind: z.enum(JOB_KINDS),
  ticketId: z.string(),
  /** The ticket's shard (src/db/shards.ts); messages sent before sharding carry none: shard 0. */
  shard: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** How many times a rate limit rescheduled this job (notify and event only); widens its jitter. */
  rateLimited: z.optional(z.number().check(z.int(), z.nonnegative())),
});

export type JobMessage = z.infer<typeof jobMessageSchema>;
