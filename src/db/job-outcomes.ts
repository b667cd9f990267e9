import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client";
import { jobs, tickets } from "./schema";

type TicketChanges = Partial<Pick<typeof tickets.$inferInsert, "category" | "categorySource" | "categorization" | "status" | "assignee" | "notification">>;

/**
 * Guards every write of a job's outcome: it applies only while the job is still pending. D1
 * runs a batch as one transaction, so of two deliveries racing on one job exactly one wins.
 */
const pending = (jobId: string) =>
  sql`exists (select 1 from ${jobs} where ${jobs.id} = ${jobId} and ${jobs.status} = 'pending')`;

const finishJob = (db: Db, jobId: string, status: "done" | "failed", attempts: number, error: string | null, now: string) =>
  db
    .update(jobs)
    .set({ status, attempts, lastError: error, updatedAt: now })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "pending")))
    .returning({ id: jobs.id });

/**
 * The categorize job's whole outcome in one batch: the ticket's category, status, assignee and
 * notification state, the notify job (closed when nothing will be sent, else given its webhook and
 * stamped as enqueued now), and the categorize job itself. False when another delivery finished the job first.
 */
export const recordCategorization = async (
  db: Db,
  input: { ticketId: string; jobId: string; attempts: number; changes: TicketChanges; notifyWebhook: string | null },
  now: string,
): Promise<boolean> => {
  const notifyJob = and(eq(jobs.ticketId, input.ticketId), eq(jobs.kind, "notify"), eq(jobs.status, "pending"), pending(input.jobId));
  const [, , finished] = await db.batch([
    db.update(tickets).set({ ...input.changes, updatedAt: now }).where(and(eq(tickets.id, input.ticketId), pending(input.jobId))),
    input.notifyWebhook
      ? db.update(jobs).set({ webhookUrl: input.notifyWebhook, enqueuedAt: now, updatedAt: now }).where(notifyJob)
      : db.update(jobs).set({ status: "done", updatedAt: now }).where(notifyJob),
    finishJob(db, input.jobId, "done", input.attempts, null, now),
  ]);
  return finished.length > 0;
};

/** The notify job's outcome and the ticket's `notification` state, together. */
export const recordNotification = async (
  db: Db,
  input: { ticketId: string; jobId: string; attempts: number; notification: "sent" | "skipped" | "failed"; error?: string },
  now: string,
): Promise<boolean> => {
  const [, finished] = await db.batch([
    db
      .update(tickets)
      .set({ notification: input.notification, updatedAt: now })
      .where(and(eq(tickets.id, input.ticketId), pending(input.jobId))),
    finishJob(db, input.jobId, input.notification === "failed" ? "failed" : "done", input.attempts, input.error ?? null, now),
  ]);
  return finished.length > 0;
};

/**
 * A delivery that will be retried: its attempt count and error for operators, and `enqueued_at`
 * moved to when the queue will hand it back, so the sweeper does not re-send it meanwhile.
 */
export const recordRetry = (db: Db, jobId: string, attempts: number, error: string, redeliverAt: string, now: string) =>
  db
    .update(jobs)
    // Never lower: a sweeper re-send restarts the queue's own count at 1.
    .set({ attempts: sql`max(${jobs.attempts}, ${attempts})`, lastError: error, enqueuedAt: redeliverAt, updatedAt: now })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "pending")));

/**
 * A job that exhausted its retries. A failed categorization also fails the notification that
 * was waiting for it, so neither state stays `pending`; a category given by the request stays
 * `skipped`, since it was never in doubt.
 */
export const recordDeadLetter = async (
  db: Db,
  input: { ticketId: string; jobId: string; kind: "categorize" | "notify"; attempts: number; error: string },
  now: string,
): Promise<void> => {
  const failIfPending = (column: typeof tickets.categorization | typeof tickets.notification) =>
    sql`case when ${column} = 'pending' then 'failed' else ${column} end`;
  const changes =
    input.kind === "categorize"
      ? { categorization: failIfPending(tickets.categorization), notification: failIfPending(tickets.notification) }
      : { notification: failIfPending(tickets.notification) };
  const fail = { status: "failed" as const, lastError: input.error, updatedAt: now };
  // Statement order matters: each is guarded by the dead job still being pending, so it goes last.
  await db.batch([
    db.update(tickets).set({ ...changes, updatedAt: now }).where(and(eq(tickets.id, input.ticketId), pending(input.jobId))),
    db
      .update(jobs)
      .set(fail)
      .where(
        and(
          eq(jobs.ticketId, input.ticketId),
          eq(jobs.kind, "notify"),
          eq(jobs.status, "pending"),
          input.kind === "categorize" ? pending(input.jobId) : sql`0`,
        ),
      ),
    db
      .update(jobs)
      .set({ ...fail, attempts: sql`max(${jobs.attempts}, ${input.attempts})` })
      .where(and(eq(jobs.id, input.jobId), eq(jobs.status, "pending"))),
  ]);
};
