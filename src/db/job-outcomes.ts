import { and, eq, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { namedBatch } from "./batch";
import type { Db } from "./client";
import { variantsOf } from "./plans";
import { CATEGORY_SOURCES, jobs, tickets, type JOB_KINDS } from "./schema";
import { nextUpdatedAt } from "./sql";
import { insertEvent, PIPELINE_ACTOR } from "./ticket-events";
import { newId } from "../lib/ids";

type TicketChanges = Partial<
  Pick<
    typeof tickets.$inferInsert,
    "category" | "categorySource" | "categoryConfidence" | "categorization" | "status" | "assignee" | "notification"
  >
>;

/**
 * Guards every write of a job's outcome: it applies only while the job is still pending. D1
 * runs a batch as one transaction, so of two deliveries racing on one job exactly one wins.
 */
export const pending = (jobId: string) => sql`exists (select 1 from ${jobs} where ${jobs.id} = ${jobId} and ${jobs.status} = 'pending')`;

export const finishJob = (
  db: Db,
  jobId: string,
  status: "done" | "failed",
  attempts: number,
  error: string | null,
  now: string,
  when?: SQL,
) =>
  db
    .update(jobs)
    .set({ status, attempts, lastError: error, leasedUntil: null, updatedAt: now })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "pending"), when))
    .returning({ id: jobs.id });

const isManual = (column: typeof tickets.categorySource | typeof tickets.assigneeSource) => sql`coalesce(${column} = 'manual', 0)`;

/**
 * The pipeline's change of assignee, unless a person set one (`assignee_source = 'manual'`), which
 * routing never overrides; written as SQL so a manual change that lands while the job runs still wins.
 */
const routedAssignee = (assignee: string | null) => ({
  assignee: sql`case when ${isManual(tickets.assigneeSource)} then ${tickets.assignee} else ${assignee} end`,
  assigneeSource: sql`case when ${isManual(tickets.assigneeSource)} then 'manual' when ${assignee} is null then null else 'rule' end`,
});

/** The `assigned` event for a routing result that changes the assignee (and is not overridden by a manual one). */
const assignedEvent = (db: Db, eventId: string, ticketId: string, jobId: string, assignee: string | null, now: string, when?: SQL) =>
  insertEvent(
    db,
    ticketId,
    {
      id: eventId,
      type: "assigned",
      actor: PIPELINE_ACTOR,
      data: sql`json_object('from', ${tickets.assignee}, 'to', ${assignee}, 'source', 'rule')`,
      now,
    },
    and(
      pending(jobId),
      when,
      sql`${assignee} is not null`,
      sql`not ${isManual(tickets.assigneeSource)}`,
      sql`${tickets.assignee} is not ${assignee}`,
    ),
  );

/**
 * What of a categorize job's outcome changes the SQL of its batch: the category's source (none, or
 * one of CATEGORY_SOURCES), whether it auto-resolves the ticket, and whether a notification is sent.
 */
export const CATEGORIZATION_VARIANTS = variantsOf({
  source: [null, ...CATEGORY_SOURCES],
  autoResolved: [false, true],
  notified: [false, true],
});

/** The outcomes whose SQL differs by what was posted (or not). */
export const NOTIFICATION_OUTCOMES = ["sent", "skipped", "failed"] as const;

type CategorizationOutcome = {
  ticketId: string;
  jobId: string;
  attempts: number;
  changes: TicketChanges;
  notifyWebhook: string | null;
  /** Where the ticket's later posts (replies, status changes) go: the route's webhook, even when the first post is skipped. */
  routeWebhook: string | null;
};

/**
 * The categorize job's whole outcome in one batch: its events (categorized, auto-resolved, assigned
 * by a rule; written first, so they can read what changed), the ticket's category, status, assignee
 * and notification state, the notify job (closed when nothing will be sent, else given its webhook
 * and stamped as enqueued now), and the categorize job itself. A manual category or assignee set
 * meanwhile is kept (the SQL decides, at write time). False when another delivery finished the job first.
 */
export const recordCategorization = async (db: Db, input: CategorizationOutcome, now: string): Promise<boolean> => {
  const { finished } = await namedBatch(
    db,
    recordCategorizationBatch(db, input, now, { categorized: newId(), autoResolved: newId(), assigned: newId() }),
  );
  return finished.length > 0;
};

/** recordCategorization's batch, each statement under its name, in batch order, with the ids of the events it may write. */
export const recordCategorizationBatch = (
  db: Db,
  input: CategorizationOutcome,
  now: string,
  ids: { categorized: string; autoResolved: string; assigned: string },
) => {
  const { category = null, categorySource = null, categoryConfidence = null, status, assignee = null, ...rest } = input.changes;
  // The plan routes by the category it was made from. Unless that already was a manual one, a manual
  // category set while the classifier ran voids the whole outcome (every statement is guarded, so the
  // batch writes nothing): the job then plans again from the ticket as it now is, and routing follows
  // the manual category. The guard holds the same before and after the ticket update below, which
  // never turns a manual category into another.
  const asPlanned = categorySource === "manual" ? undefined : sql`not ${isManual(tickets.categorySource)}`;
  const ticketAsPlanned = asPlanned && sql`exists (select 1 from ${tickets} where ${tickets.id} = ${input.ticketId} and ${asPlanned})`;
  const pendingAsPlanned = and(pending(input.jobId), ticketAsPlanned)!;
  const notifyJob = and(eq(jobs.ticketId, input.ticketId), eq(jobs.kind, "notify"), eq(jobs.status, "pending"), pendingAsPlanned);
  const classified =
    categorySource === "ai" || categorySource === "fallback" || (categorySource === null && rest.categorization === "done");
  return {
    categorizedEvent: insertEvent(
      db,
      input.ticketId,
      {
        id: ids.categorized,
        type: "categorized",
        actor: PIPELINE_ACTOR,
        data: sql`json_object('category', ${category}, 'source', ${categorySource}, 'confidence', ${categoryConfidence})`,
        now,
      },
      and(pendingAsPlanned, classified ? sql`not ${isManual(tickets.categorySource)}` : sql`0`),
    ),
    autoResolvedEvent: insertEvent(
      db,
      input.ticketId,
      {
        id: ids.autoResolved,
        type: "auto_resolved",
        actor: PIPELINE_ACTOR,
        data: sql`json_object('category', ${category}, 'from', ${tickets.status})`,
        now,
      },
      and(pendingAsPlanned, status === "resolved" ? sql`not ${isManual(tickets.categorySource)}` : sql`0`),
    ),
    assignedEvent: assignedEvent(db, ids.assigned, input.ticketId, input.jobId, assignee, now, ticketAsPlanned),
    ticket: db
      .update(tickets)
      .set({
        ...rest,
        category: sql`case when ${isManual(tickets.categorySource)} then ${tickets.category} else ${category} end`,
        categorySource: sql`case when ${isManual(tickets.categorySource)} then 'manual' else ${categorySource} end`,
        categoryConfidence: sql`case when ${isManual(tickets.categorySource)} then null else ${categoryConfidence} end`,
        ...(status ? { status: sql`case when ${isManual(tickets.categorySource)} then ${tickets.status} else ${status} end` } : {}),
        ...routedAssignee(assignee),
        updatedAt: nextUpdatedAt(now),
      })
      .where(and(eq(tickets.id, input.ticketId), pendingAsPlanned)),
    notifyJob: input.notifyWebhook
      ? db.update(jobs).set({ webhookUrl: input.notifyWebhook, enqueuedAt: now, updatedAt: now }).where(notifyJob)
      : db.update(jobs).set({ status: "done", webhookUrl: input.routeWebhook, updatedAt: now }).where(notifyJob),
    finished: finishJob(db, input.jobId, "done", input.attempts, null, now, ticketAsPlanned),
  };
};

type RoutingOutcome = { ticketId: string; jobId: string; attempts: number; assignee: string | null; webhookUrl: string | null };

/**
 * The route job's outcome (routing re-run after a manual category): the assignee unless a person
 * set one, the webhook later events of this ticket go to, an `assigned` event, and the job.
 */
export const recordRouting = async (db: Db, input: RoutingOutcome, now: string): Promise<boolean> => {
  const { finished } = await namedBatch(db, recordRoutingBatch(db, input, now, { assigned: newId() }));
  return finished.length > 0;
};

/** recordRouting's batch, each statement under its name, in batch order, with the ids of the events it may write. */
export const recordRoutingBatch = (db: Db, input: RoutingOutcome, now: string, ids: { assigned: string }) => {
  return {
    assignedEvent: assignedEvent(db, ids.assigned, input.ticketId, input.jobId, input.assignee, now),
    ticket: db
      .update(tickets)
      .set({ ...routedAssignee(input.assignee), updatedAt: nextUpdatedAt(now) })
      .where(
        and(
          eq(tickets.id, input.ticketId),
          pending(input.jobId),
          sql`${tickets.assignee} is not ${input.assignee}`,
          sql`not ${isManual(tickets.assigneeSource)}`,
        ),
      ),
    // Replies and status changes follow the ticket's current route, whatever became of its first notification.
    notifyJob: db
      .update(jobs)
      .set({ webhookUrl: input.webhookUrl, updatedAt: now })
      .where(and(eq(jobs.ticketId, input.ticketId), eq(jobs.kind, "notify"), pending(input.jobId))),
    finished: finishJob(db, input.jobId, "done", input.attempts, null, now),
  };
};

/**
 * `notification_sent` or `notification_failed`, for the first notification (no `eventId`) or for an
 * event's; a skipped one (nothing to post) leaves no event.
 */
const notificationEvent = (
  db: Db,
  eventId: string,
  ticketId: string,
  jobId: string,
  outcome: (typeof NOTIFICATION_OUTCOMES)[number],
  detail: { eventId?: string; error?: string },
  now: string,
) =>
  insertEvent(
    db,
    ticketId,
    {
      id: eventId,
      type: outcome === "failed" ? "notification_failed" : "notification_sent",
      actor: PIPELINE_ACTOR,
      data: sql`json_object('eventId', ${detail.eventId ?? null}, 'error', ${detail.error?.slice(0, 300) ?? null})`,
      now,
    },
    outcome === "skipped" ? sql`0` : pending(jobId),
  );

type NotificationOutcome = {
  ticketId: string;
  jobId: string;
  attempts: number;
  notification: (typeof NOTIFICATION_OUTCOMES)[number];
  error?: string;
};

/** The notify job's outcome, its event and the ticket's `notification` state, together. */
export const recordNotification = async (db: Db, input: NotificationOutcome, now: string): Promise<boolean> => {
  const { finished } = await namedBatch(db, recordNotificationBatch(db, input, now, { event: newId() }));
  return finished.length > 0;
};

/** recordNotification's batch, each statement under its name, in batch order, with the ids of the events it may write. */
export const recordNotificationBatch = (db: Db, input: NotificationOutcome, now: string, ids: { event: string }) => {
  return {
    event: notificationEvent(db, ids.event, input.ticketId, input.jobId, input.notification, { error: input.error }, now),
    ticket: db
      .update(tickets)
      .set({ notification: input.notification, updatedAt: nextUpdatedAt(now) })
      .where(and(eq(tickets.id, input.ticketId), pending(input.jobId))),
    finished: finishJob(db, input.jobId, input.notification === "failed" ? "failed" : "done", input.attempts, input.error ?? null, now),
  };
};

type EventNotificationOutcome = {
  ticketId: string;
  jobId: string;
  eventId: string;
  attempts: number;
  outcome: (typeof NOTIFICATION_OUTCOMES)[number];
  error?: string;
};

/** An event job's outcome: its notification event and the job (the ticket's `notification` is the first notification's). */
export const recordEventNotification = async (db: Db, input: EventNotificationOutcome, now: string): Promise<boolean> => {
  const { finished } = await namedBatch(db, recordEventNotificationBatch(db, input, now, { event: newId() }));
  return finished.length > 0;
};

/** recordEventNotification's batch, each statement under its name, in batch order, with the ids of the events it may write. */
export const recordEventNotificationBatch = (db: Db, input: EventNotificationOutcome, now: string, ids: { event: string }) => {
  return {
    event: notificationEvent(
      db,
      ids.event,
      input.ticketId,
      input.jobId,
      input.outcome,
      { eventId: input.eventId, error: input.error },
      now,
    ),
    finished: finishJob(db, input.jobId, input.outcome === "failed" ? "failed" : "done", input.attempts, input.error ?? null, now),
  };
};

/**
 * Claims a pending notify or event job for one delivery until `until` (a conditional UPDATE, so of
 * two copies of its message racing, exactly one holds it). False: another delivery holds it or
 * the job is settled, and this copy must post nothing. The lease ends when the job is settled, when
 * its holder releases it to retry (`recordRetry`), or at `until` should the holder die meanwhile.
 */
export const claimJob = async (db: Db, jobId: string, now: string, until: string): Promise<boolean> => {
  const claimed = await claimJobStatement(db, jobId, now, until);
  return claimed.length > 0;
};

/** claimJob's one statement: the lease, only on a pending job no live lease holds. */
export const claimJobStatement = (db: Db, jobId: string, now: string, until: string) =>
  db
    .update(jobs)
    .set({ leasedUntil: until })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "pending"), or(isNull(jobs.leasedUntil), lte(jobs.leasedUntil, now))))
    .returning({ id: jobs.id });

/**
 * A delivery that will be retried: its attempt count and error for operators (an `error` of null,
 * a wait that is no failure, keeps the last one), `enqueued_at` moved to when the queue will hand
 * it back, so the sweeper does not re-send it meanwhile, and the lease this delivery held released.
 */
export const recordRetry = (
  db: Db,
  jobId: string,
  attempts: number,
  error: string | null,
  redeliverAt: string,
  now: string,
  lease?: string,
) =>
  db
    .update(jobs)
    .set({
      // Never lower: a sweeper re-send restarts the queue's own count at 1.
      attempts: sql`max(${jobs.attempts}, ${attempts})`,
      lastError: error ?? sql`${jobs.lastError}`,
      enqueuedAt: redeliverAt,
      // Only its own: a copy that never held the lease must not free the holder's.
      leasedUntil: lease === undefined ? sql`${jobs.leasedUntil}` : sql`nullif(${jobs.leasedUntil}, ${lease})`,
      updatedAt: now,
    })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "pending")));

/**
 * What a job's dead-lettering fails besides the job itself; each job kind declares its own
 * (src/jobs/registry.ts).
 */
export type DeadLetterFailure = {
  /** The ticket's states that turn from `pending` to `failed` with the job. */
  ticketStates: readonly ("categorization" | "notification")[];
  /** The ticket's pending jobs of these kinds, which were waiting for this one and fail with it. */
  waitingJobs: readonly (typeof JOB_KINDS)[number][];
  /**
   * The ticket event its failure leaves: `notification_failed` for a Slack post, `email_failed`
   * for an email to the customer, none for the others.
   */
  failureEvent: (typeof FAILURE_EVENTS)[number] | null;
};

/** The event types a dead-lettered job may leave on its ticket. */
export const FAILURE_EVENTS = ["notification_failed", "email_failed"] as const;

const jobEventId = (jobId: string) => sql`(select nullif(j.event_id, '') from jobs as j where j.id = ${jobId})`;
// The job's last real error (what the user can act on), else why it was dead-lettered.
const lastErrorOr = (input: DeadLetterOutcome) =>
  sql`coalesce((select j.last_error from jobs as j where j.id = ${input.jobId}), ${input.error.slice(0, 300)})`;
const notificationFailedData = (input: DeadLetterOutcome) =>
  sql`json_object('eventId', ${jobEventId(input.jobId)},
          'error', ${lastErrorOr(input)})`;
/** As src/db/email-outbound.ts writes `email_failed`: which email (by the event it answers) and why. */
const emailFailedData = (input: DeadLetterOutcome) =>
  sql`json_object('eventId', ${jobEventId(input.jobId)}, 'kind', ${emailKindOfEvent(jobEventId(input.jobId))}, 'error', ${lastErrorOr(input)})`;

/** `acknowledgement` or `reply`: what an email job sends, from the type of the event it acts on. */
export const emailKindOfEvent = (eventId: SQL) =>
  sql`(select case e.type when 'created' then 'acknowledgement' when 'message_added' then 'reply' end from ticket_events as e where e.id = ${eventId})`;

type DeadLetterOutcome = { ticketId: string; jobId: string; attempts: number; error: string; fails: DeadLetterFailure };

/**
 * A job that exhausted its retries, failed with what `fails` names: for a categorization the
 * notification waiting for it, so neither state stays `pending` (a category given by the request
 * stays `skipped`, since it was never in doubt).
 */
export const recordDeadLetter = async (db: Db, input: DeadLetterOutcome, now: string): Promise<void> => {
  await namedBatch(db, recordDeadLetterBatch(db, input, now, { event: newId() }));
};

/** recordDeadLetter's batch, each statement under its name, in batch order, with the ids of the events it may write. */
export const recordDeadLetterBatch = (db: Db, input: DeadLetterOutcome, now: string, ids: { event: string }) => {
  const { ticketStates, waitingJobs, failureEvent } = input.fails;
  const failIfPending = (column: typeof tickets.categorization | typeof tickets.notification) =>
    sql`case when ${column} = 'pending' then 'failed' else ${column} end`;
  const changes = {
    ...(ticketStates.includes("categorization") ? { categorization: failIfPending(tickets.categorization) } : {}),
    ...(ticketStates.includes("notification") ? { notification: failIfPending(tickets.notification) } : {}),
  };
  const fail = { status: "failed" as const, lastError: input.error, updatedAt: now };
  // Statement order matters: each is guarded by the dead job still being pending, so it goes last.
  return {
    // The statement keeps its name and, for a kind that leaves no event, its SQL (guarded off) from
    // when only Slack posts left one, so every batch keeps its shape whatever the kind.
    failedPostEvent: insertEvent(
      db,
      input.ticketId,
      {
        id: ids.event,
        type: failureEvent ?? "notification_failed",
        actor: PIPELINE_ACTOR,
        data: failureEvent === "email_failed" ? emailFailedData(input) : notificationFailedData(input),
        now,
      },
      failureEvent ? pending(input.jobId) : sql`0`,
    ),
    ticket: db
      .update(tickets)
      .set({ ...changes, updatedAt: nextUpdatedAt(now) })
      .where(and(eq(tickets.id, input.ticketId), pending(input.jobId), ticketStates.length > 0 ? undefined : sql`0`)),
    waitingJobs: db
      .update(jobs)
      .set(fail)
      .where(
        and(
          eq(jobs.ticketId, input.ticketId),
          waitingJobs.length > 0 ? inArray(jobs.kind, [...waitingJobs]) : sql`0`,
          eq(jobs.status, "pending"),
          pending(input.jobId),
        ),
      ),
    job: db
      .update(jobs)
      .set({
        ...fail,
        lastError: sql`coalesce(${jobs.lastError}, ${input.error})`,
        attempts: sql`max(${jobs.attempts}, ${input.attempts})`,
      })
      .where(and(eq(jobs.id, input.jobId), eq(jobs.status, "pending"))),
  };
};
