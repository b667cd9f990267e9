import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { namedBatch } from "./batch";
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

type SweepRound = { now: string; staleBefore: string; limit: number; purgeLimit: number; kinds: Record<SweepRule, readonly JobKind[]> };

/** Pending jobs sent with the write that stored them, not enqueued since `staleBefore`. */
const lostOnWrite = (db: Db, kinds: readonly JobKind[], staleBefore: string) =>
  db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.status, "pending"), inArray(jobs.kind, [...kinds]), isStale(staleBefore)));

/** Pending jobs sent once their ticket's categorize job is done, not enqueued since `staleBefore`. */
const lostAfterCategorization = (db: Db, kinds: readonly JobKind[], staleBefore: string) =>
  db
    .select({ id: jobs.id })
    .from(jobs)
    .innerJoin(
      categorizeJob,
      and(eq(categorizeJob.ticketId, jobs.ticketId), eq(categorizeJob.kind, "categorize"), eq(categorizeJob.status, "done")),
    )
    .where(and(eq(jobs.status, "pending"), inArray(jobs.kind, [...kinds]), isStale(staleBefore)));

/** The sweeper's batch: `claimed`, up to `limit` lost jobs stamped enqueued now; `purged`, up to `purgeLimit` expired idempotency records. */
export const claimStaleJobsBatch = (db: Db, round: SweepRound) => {
  const { now, staleBefore, limit, purgeLimit, kinds } = round;
  const lost = lostOnWrite(db, kinds["on-write"], staleBefore).unionAll(
    lostAfterCategorization(db, kinds["after-categorization"], staleBefore),
  );
  return {
    claimed: db
      .update(jobs)
      .set({ enqueuedAt: now, updatedAt: now })
      .where(sql`${jobs.id} in (select id from ${lost} limit ${limit})`)
      .returning({ jobId: jobs.id, kind: jobs.kind, ticketId: jobs.ticketId }),
    purged: db
      .delete(idempotencyKeys)
      .where(sql`rowid in (select rowid from ${idempotencyKeys} where ${idempotencyKeys.expiresAt} < ${now} limit ${purgeLimit})`)
      .returning({ key: idempotencyKeys.key }),
  };
};

/**
 * One round trip for the sweeper: claims up to `limit` outbox jobs whose queue message looks
 * lost by their kind's `SweepRule`, stamps them enqueued now and returns them; and purges up to
 * `purgeLimit` expired idempotency records.
 */
export const claimStaleJobs = async (db: Db, round: SweepRound) => {
  const { claimed, purged } = await namedBatch(db, claimStaleJobsBatch(db, round));
  return { claimed, purged: purged.length };
};
