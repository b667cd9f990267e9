import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";
import { idempotencyKeys, jobs } from "./schema";

const categorizeJob = alias(jobs, "categorize_job");

const isStale = (staleBefore: string) => or(isNull(jobs.enqueuedAt), lt(jobs.enqueuedAt, staleBefore));

/**
 * One round trip for the sweeper: claims up to `limit` outbox jobs whose queue message looks
 * lost (categorize, route and event jobs pending since before `staleBefore`; notify jobs whose categorization is
 * done but which were never, or too long ago, enqueued), stamps them enqueued now and returns
 * them; and purges up to `purgeLimit` expired idempotency records.
 */
export const claimStaleJobs = async (db: Db, now: string, staleBefore: string, limit: number, purgeLimit: number) => {
  const staleCategorize = db
    .select({ id: jobs.id })
    .from(jobs)
    // route and event jobs, like categorize, are sent when they are written.
    .where(and(eq(jobs.status, "pending"), inArray(jobs.kind, ["categorize", "route", "event"]), isStale(staleBefore)));
  const staleNotify = db
    .select({ id: jobs.id })
    .from(jobs)
    .innerJoin(
      categorizeJob,
      and(eq(categorizeJob.ticketId, jobs.ticketId), eq(categorizeJob.kind, "categorize"), eq(categorizeJob.status, "done")),
    )
    .where(and(eq(jobs.status, "pending"), eq(jobs.kind, "notify"), isStale(staleBefore)));
  const [claimed, purged] = await db.batch([
    db
      .update(jobs)
      .set({ enqueuedAt: now, updatedAt: now })
      .where(sql`${jobs.id} in (select id from ${staleCategorize.unionAll(staleNotify)} limit ${limit})`)
      .returning({ jobId: jobs.id, kind: jobs.kind, ticketId: jobs.ticketId }),
    db
      .delete(idempotencyKeys)
      .where(sql`rowid in (select rowid from ${idempotencyKeys} where ${idempotencyKeys.expiresAt} < ${now} limit ${purgeLimit})`)
      .returning({ key: idempotencyKeys.key }),
  ]);
  return { claimed, purged: purged.length };
};
