import { and, asc, eq, gte, inArray, or, sql, type SQL } from "drizzle-orm";
import { namedBatch } from "./batch";
import type { Db } from "./client";
import { inKeyOrg, keyOrganization } from "./auth";
import { kindLiterals, POST_PREREQUISITES, postRankSql, SLACK_POST_KINDS } from "./job-kinds";
import { variantsOf } from "./plans";
import { jobs, tickets, type JOB_KINDS } from "./schema";
import { nextUpdatedAt, qualified } from "./sql";
import type { JobMessage } from "../jobs/messages";

/**
 * At most this many jobs per re-drive: one sendBatch carries at most 100 messages
 * (https://developers.cloudflare.com/queues/platform/limits/), and each statement binds a handful
 * of parameters however many jobs it moves (D1 allows 100: https://developers.cloudflare.com/d1/platform/limits/).
 */
export const REDRIVE_BATCH = 100;

// A ticket's jobs in the order their posts must reach Slack (each kind's `postRank`):
// categorization, the first notification, then its events as they happened. A re-drive cut at REDRIVE_BATCH therefore never
// makes a later post pending before an earlier one (event jobs wait for earlier pending posts).
const postOrder = postRankSql();

/** The failed jobs `where` selects, in post order, at most `limit`. */
const chosenJobs = (db: Db, where: SQL, limit: number) =>
  db
    .select({ id: jobs.id, ticketId: jobs.ticketId, kind: jobs.kind })
    .from(jobs)
    .where(and(eq(jobs.status, "failed"), where))
    .orderBy(asc(jobs.ticketId), asc(postOrder), asc(jobs.createdAt), asc(jobs.id))
    .limit(limit);

/**
 * Two named statements for one batch: `ticketStates`, the tickets' own states back to `pending`
 * where their categorization or first notification is re-driven (first, while the jobs still read
 * `failed`), then `retried`, the jobs themselves: pending, attempts from zero (a fresh set of retries and AI attempts),
 * enqueued now (so the sweeper re-sends any whose queue send is lost), unleased. The last error
 * stays, so the ticket keeps saying why until a post goes out.
 */
const redrive = (db: Db, where: SQL, limit: number, now: string) => {
  const chosen = chosenJobs(db, where, limit);
  const reDriven = (kind: (typeof JOB_KINDS)[number]) =>
    sql`${qualified(tickets.id)} in (select c.ticket_id from ${chosen} as c where c.kind = ${kind})`;
  return {
    ticketStates: db
      .update(tickets)
      .set({
        categorization: sql`case when ${reDriven("categorize")} then 'pending' else ${tickets.categorization} end`,
        notification: sql`case when ${reDriven("notify")} then 'pending' else ${tickets.notification} end`,
        updatedAt: nextUpdatedAt(now),
      })
      .where(or(reDriven("categorize"), reDriven("notify"))),
    retried: db
      .update(jobs)
      .set({ status: "pending", attempts: 0, enqueuedAt: now, leasedUntil: null, updatedAt: now })
      .where(inArray(jobs.id, db.select({ id: sql`c.id` }).from(sql`${chosen} as c`)))
      .returning({ jobId: jobs.id, kind: jobs.kind, ticketId: jobs.ticketId }),
  };
};

export type RetryNotificationOutcome =
  | { kind: "unauthorized" }
  | { kind: "not_found" }
  | { kind: "nothing_failed" }
  | { kind: "retried"; jobs: JobMessage[]; more: boolean };

/**
 * retryNotification as one D1 batch: key check; the ticket's failed Slack posts (its first
 * notification and event posts) re-driven, with its categorization when that failed the first
 * notification too; the ticket's existence in the key's organization (404 vs 409).
 */
export const retryNotification = async (db: Db, keyHash: string, ticketId: string, now: string): Promise<RetryNotificationOutcome> => {
  const { auth, retried, found } = await namedBatch(db, retryNotificationBatch(db, keyHash, ticketId, now));
  if (auth.length === 0) return { kind: "unauthorized" };
  if (found.length === 0) return { kind: "not_found" };
  if (retried.length === 0) return { kind: "nothing_failed" };
  return { kind: "retried", jobs: retried, more: retried.length === REDRIVE_BATCH };
};

/** The ticket's jobs retryNotification re-drives: its failed Slack posts, and what they wait for when that failed too. */
const failedPostsOf = (db: Db, keyHash: string, ticketId: string) =>
  and(
    eq(jobs.ticketId, ticketId),
    inKeyOrg(db, jobs.organizationId, keyHash),
    or(
      inArray(jobs.kind, SLACK_POST_KINDS),
      ...POST_PREREQUISITES.map(({ kind, posts }) =>
        and(
          eq(jobs.kind, kind),
          sql`exists (select 1 from jobs as n where n.ticket_id = ${ticketId} and n.kind in (${kindLiterals(posts)}) and n.status = 'failed')`,
        ),
      ),
    ),
  )!;

/** retryNotification's batch, each statement under its name, in batch order. */
export const retryNotificationBatch = (db: Db, keyHash: string, ticketId: string, now: string) => ({
  auth: keyOrganization(db, keyHash),
  // A ticket holds one categorize and one notify job and an event job per post, and its posts are not
  // few enough to fit one batch (MAX_TICKET_MESSAGES replies alone, status changes unbounded): `more`
  // tells the caller to call again.
  ...redrive(db, failedPostsOf(db, keyHash, ticketId), REDRIVE_BATCH, now),
  found: db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.id, ticketId), inKeyOrg(db, tickets.organizationId, keyHash))),
});

/**
 * One round of the operator's re-drive: up to REDRIVE_BATCH of the organization's failed jobs
 * (of `kind`, failed since `since`, when given), tickets' states with them, in one batch.
 */
export const redriveFailedJobs = async (
  db: Db,
  orgId: string,
  filter: { kind?: (typeof JOB_KINDS)[number]; since?: string },
  now: string,
): Promise<JobMessage[]> => {
  const { retried } = await namedBatch(db, redriveFailedJobsBatch(db, orgId, filter, now));
  return retried;
};

/** What of an operator's re-drive changes its SQL: whether it names a job kind, a time since. */
export const REDRIVE_VARIANTS = variantsOf({ kind: [false, true], since: [false, true] });

/** One re-drive round's batch, each statement under its name, in batch order. */
export const redriveFailedJobsBatch = (
  db: Db,
  orgId: string,
  filter: { kind?: (typeof JOB_KINDS)[number]; since?: string },
  now: string,
) => {
  const where = and(
    eq(jobs.organizationId, orgId),
    filter.kind ? eq(jobs.kind, filter.kind) : undefined,
    // A failed job's updated_at is when it failed.
    filter.since ? gte(jobs.updatedAt, filter.since) : undefined,
  )!;
  return redrive(db, where, REDRIVE_BATCH, now);
};
