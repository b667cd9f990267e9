import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import { namedBatch } from "./batch";
import type { Db } from "./client";
import { inTableOrder } from "./insert-select";
import { outboxRow } from "./outbox";
import { jobs, ticketEvents, tickets } from "./schema";
import type { JobMessage } from "../jobs/messages";
import { selectTickets } from "./ticket-queries";
import { webhookDeliveries, webhookEndpoints } from "./webhook-schema";

/** A delivery's queue message: the pending attempt it points at (and its endpoint, for per-endpoint pacing). */
export type DeliveryPointer = { deliveryId: string; endpointId: string };

const pointer = { deliveryId: webhookDeliveries.id, endpointId: webhookDeliveries.endpointId };

/**
 * The dispatcher's claim: an organization's pending attempts that were never handed to the queue
 * (the outbox trigger's rows), stamped enqueued now. One statement, on the pending index.
 */
export const claimUnsent = (db: Db, organizationId: string, now: string, limit: number) =>
  db
    .update(webhookDeliveries)
    .set({ enqueuedAt: now })
    .where(
      sql`${webhookDeliveries.id} in (select id from webhook_deliveries where organization_id = ${organizationId}
        and status = 'pending' and enqueued_at is null limit ${limit})`,
    )
    .returning(pointer);

/**
 * The sweeper's claim: pending attempts that are due and whose message is missing: never sent (an
 * event the pipeline wrote, a dispatch message lost), or sent before `staleBefore` for an attempt due
 * before it too (a lost send or chained delay). Not while an attempt holds its lease.
 */
export const claimDue = (db: Db, now: string, staleBefore: string, limit: number) =>
  db
    .update(webhookDeliveries)
    .set({ enqueuedAt: now })
    .where(
      sql`${webhookDeliveries.id} in (select id from webhook_deliveries where status = 'pending' and next_attempt_at <= ${now}
        and (enqueued_at is null or (enqueued_at <= ${staleBefore} and next_attempt_at <= ${staleBefore}))
        and (leased_until is null or leased_until < ${now}) limit ${limit})`,
    )
    .returning(pointer);

/**
 * One round trip before an attempt: claims it (pending, due by `dueBy`, no live lease; a second
 * copy of the message finds it leased or done and sends nothing), and reads the delivery, its
 * endpoint, its event and the ticket as getTicket shows it.
 */
export const loadAttempt = async (db: Db, deliveryId: string, now: string, dueBy: string, leaseUntil: string) => {
  const delivery = db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
  const ofDelivery = (column: "endpoint_id" | "event_id") =>
    sql`(select ${sql.raw(column)} from webhook_deliveries where id = ${deliveryId})`;
  const result = await namedBatch(db, {
    claim: db
      .update(webhookDeliveries)
      .set({ leasedUntil: leaseUntil })
      .where(
        and(
          eq(webhookDeliveries.id, deliveryId),
          eq(webhookDeliveries.status, "pending"),
          lte(webhookDeliveries.nextAttemptAt, dueBy),
          or(isNull(webhookDeliveries.leasedUntil), lt(webhookDeliveries.leasedUntil, now)),
        ),
      )
      .returning({ id: webhookDeliveries.id }),
    delivery,
    endpoint: db
      .select()
      .from(webhookEndpoints)
      .where(sql`${webhookEndpoints.id} = ${ofDelivery("endpoint_id")}`),
    event: db
      .select({
        id: ticketEvents.id,
        ticketId: ticketEvents.ticketId,
        type: ticketEvents.type,
        actor: ticketEvents.actor,
        data: ticketEvents.data,
        createdAt: ticketEvents.createdAt,
      })
      .from(ticketEvents)
      .where(sql`${ticketEvents.id} = ${ofDelivery("event_id")}`),
    ticket: selectTickets(db).where(sql`${tickets.id} = (select ticket_id from ticket_events where id = ${ofDelivery("event_id")})`),
  });
  return {
    claimed: result.claim.length > 0,
    delivery: result.delivery[0],
    endpoint: result.endpoint[0],
    event: result.event[0],
    ticket: result.ticket[0],
  };
};

export type AttemptContext = Awaited<ReturnType<typeof loadAttempt>>;

export type AttemptRecord = {
  deliveryId: string;
  now: string;
  status: "succeeded" | "failed";
  responseStatus: number | null;
  error: string | null;
  durationMs: number;
  /** The next attempt's id and due time, when the failure will be retried. */
  next?: { id: string; at: string };
  /** Disable the endpoint for this reason (410 Gone). */
  disable?: string;
  /** Failing since before this instant disables the endpoint (5 days of failures). */
  failingCutoff: string;
  failingReason: string;
  /** The id of the Slack notice (a webhook_disabled job) written if this attempt disables the endpoint for its failures. */
  noticeJobId: string;
  endpointId: string;
};

/**
 * One round trip after an attempt: its outcome, the next attempt (if any), the endpoint's last
 * success or failure (and its failure streak), and disabling the endpoint for 410 or for a streak
 * that began before `failingCutoff`. All guarded on the attempt still being pending, so a
 * duplicate that slipped past the lease records nothing twice. Returns whether this attempt
 * disabled the endpoint for its failure streak.
 */
export const recordAttempt = async (db: Db, r: AttemptRecord) => {
  const self = eq(webhookDeliveries.id, r.deliveryId);
  const endpointOf = sql`(select endpoint_id from webhook_deliveries where id = ${r.deliveryId})`;
  const stillPending = sql`exists (select 1 from webhook_deliveries where id = ${r.deliveryId} and status = 'pending')`;
  const succeeded = r.status === "succeeded";
  const nextAttempt = r.next
    ? db
        .insert(webhookDeliveries)
        .select(
          db
            .select(
              inTableOrder(webhookDeliveries, {
                id: sql<string>`${r.next.id}`.as("id"),
                organizationId: webhookDeliveries.organizationId,
                endpointId: webhookDeliveries.endpointId,
                eventId: webhookDeliveries.eventId,
                eventType: webhookDeliveries.eventType,
                round: webhookDeliveries.round,
                attempt: sql<number>`${webhookDeliveries.attempt} + 1`.as("attempt"),
                status: sql<string>`'pending'`.as("status"),
                responseStatus: sql`null`.as("response_status"),
                error: sql`null`.as("error"),
                durationMs: sql`null`.as("duration_ms"),
                nextAttemptAt: sql<string>`${r.next.at}`.as("next_attempt_at"),
                // Its message is sent right after this batch; the sweeper re-sends a lost one.
                enqueuedAt: sql<string>`${r.now}`.as("enqueued_at"),
                leasedUntil: sql`null`.as("leased_until"),
                createdAt: sql<string>`${r.now}`.as("created_at"),
                updatedAt: sql<string>`${r.now}`.as("updated_at"),
              }),
            )
            .from(webhookDeliveries)
            .where(and(self, eq(webhookDeliveries.status, "pending"))),
        )
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id })
    : undefined;
  const disable = succeeded
    ? undefined
    : db
        .update(webhookEndpoints)
        .set({ enabled: false, disabledReason: sql`${r.disable ?? r.failingReason}`, updatedAt: r.now })
        .where(
          and(
            sql`${webhookEndpoints.id} = ${endpointOf} and ${stillPending}`,
            eq(webhookEndpoints.enabled, true),
            r.disable ? undefined : lt(webhookEndpoints.failingSince, r.failingCutoff),
          ),
        )
        .returning({ id: webhookEndpoints.id, organizationId: webhookEndpoints.organizationId, url: webhookEndpoints.url });
  const result = await namedBatch(db, {
    ...(nextAttempt ? { next: nextAttempt } : {}),
    endpoint: db
      .update(webhookEndpoints)
      .set(
        succeeded
          ? { lastSuccessAt: r.now, failingSince: null }
          : { lastFailureAt: r.now, failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${r.now})` },
      )
      .where(sql`${webhookEndpoints.id} = ${endpointOf} and ${stillPending}`),
    ...(disable ? { disabled: disable } : {}),
    // The organization's Slack hears of a disabling for failures through the outbox, in this same transaction.
    ...(disable && !r.disable
      ? {
          notice: db
            .insert(jobs)
            .select(
              db
                .select(outboxRow({ id: r.noticeJobId, kind: "webhook_disabled", enqueuedAt: r.now, eventId: r.endpointId, now: r.now }))
                .from(tickets)
                .where(
                  sql`${tickets.id} = (select ticket_id from ticket_events where id = (select event_id from webhook_deliveries where id = ${r.deliveryId}))
                    and exists (select 1 from webhook_endpoints as we where we.id = ${endpointOf} and we.enabled = 0
                      and we.disabled_reason = ${r.failingReason} and we.updated_at = ${r.now})`,
                ),
            )
            .onConflictDoNothing()
            .returning({ jobId: jobs.id, kind: jobs.kind, ticketId: jobs.ticketId }),
        }
      : {}),
    attempt: db
      .update(webhookDeliveries)
      .set({
        status: r.status,
        responseStatus: r.responseStatus,
        error: r.error,
        durationMs: r.durationMs,
        nextAttemptAt: r.next?.at ?? null,
        leasedUntil: null,
        updatedAt: r.now,
      })
      .where(and(self, eq(webhookDeliveries.status, "pending")))
      .returning({ id: webhookDeliveries.id }),
  });
  const { next, disabled, notice } = result as {
    next?: { id: string }[];
    disabled?: { id: string; organizationId: string; url: string }[];
    notice?: JobMessage[];
  };
  return {
    recorded: result.attempt.length > 0,
    next: r.next && next?.length ? r.next : undefined,
    disabledForFailures: !r.disable ? disabled?.[0] : undefined,
    notice: notice ?? [],
  };
};

/** A delivery that cannot be attempted (its endpoint disabled or gone, its message dead-lettered): failed, not retried. */
export const failDelivery = (db: Db, deliveryId: string, error: string, now: string) =>
  db
    .update(webhookDeliveries)
    .set({ status: "failed", error, nextAttemptAt: null, leasedUntil: null, updatedAt: now })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.status, "pending")));
