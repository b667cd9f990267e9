import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";
import { idempotencyKeys, jobs, type JOB_KINDS } from "./schema";

const categorizeJob = alias(jobs, "categorize_job");

const isStale = (staleBefore: string) => or(isNull(jobs.enqueuedAt), lt(jobs.enqueuedAt, staleBefore));

type JobKind = (typeof JOB_KINDS)[number];

/**
 * When a job kind's queue message is sent, which tells the sweeper when it looks lost: `on-write`
 * with the write that stored the job (a job pending since before `staleBefore` was lost);
 * `after-categorization` once the ticket's categorize job is done (a job never, or too long ago,
 * enqueued after that was lost). Each job kind declares its own (src/jobs/registry.ts).
 */
export type SweepRule = "on-write" | "after-categorization";

/**
 * One round trip for the sweeper: claims up to `limit` outbox jobs whose queue message looks
 * lost by their kind's `SweepRule`, stamps them enqueued now and returns them; and purges up to
 * `purgeLimit` expired idempotency records.
 */
export const claimStaleJobs = async (
  db: Db,
  round: { now: string; staleBefore: string; limit: number; purgeLimit: number; kinds: Record<SweepRule, readonly JobKind[]> },
) => {
  const { now, staleBefore, limit, purgeLimit, kinds } = round;
  const sentOnWrite = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.status, "pending"), inArray(jobs.kind, [...kinds["on-write"]]), isStale(staleBefore)));
  const sentAfterCategorization = db
    .select({ id: jobs.id })
    .from(jobs)
    .innerJoin(
      categorizeJob,
      and(eq(categorizeJob.ticketId, jobs.ticketId), eq(categorizeJob.kind, "categorize"), eq(categorizeJob.status, "done")),
    )
    .where(and(eq(jobs.status, "pending"), inArray(jobs.kind, [...kinds["after-categorization"]]), isStale(staleBefore)));
  const [claimed, purged] = await db.batch([
    db
      .update(jobs)
      .set({ enqueuedAt: now, updatedAt: now })
      .where(sql`${jobs.id} in (select id from ${sentOnWrite.unionAll(sentAfterCategorization)} limit ${limit})`)
      .returning({ jobId: jobs.id, kind: jobs.kind, ticketId: jobs.ticketId }),
    db
      .delete(idempotencyKeys)
      .where(sql`rowid in (select rowid from ${idempotencyKeys} where ${idempotencyKeys.expiresAt} < ${now} limit ${purgeLimit})`)
      .returning({ key: idempotencyKeys.key }),
  ]);
  return { claimed, purged: purged.length };
};
