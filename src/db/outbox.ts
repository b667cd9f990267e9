import { sql, type Placeholder } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { inTableOrder } from "./insert-select";
import { jobs, tickets, type JOB_KINDS } from "./schema";

type Value = string | Placeholder;

/**
 * The fields of a new pending outbox row for the ticket of the enclosing `… FROM tickets` select,
 * for `INSERT INTO jobs SELECT`: every write that calls for asynchronous work stores its job in
 * its own batch, so a lost queue send can always be re-sent from here.
 */
export const outboxRow = (job: {
  id: Value;
  kind: (typeof JOB_KINDS)[number];
  /** When it is handed to the queue: now for jobs sent right after the batch, null for notify (sent after categorization). */
  enqueuedAt: Value | null;
  /** The event a route or event job acts on; '' for categorize and notify. */
  eventId: SQLiteColumn | Value;
  now: Value;
}) =>
  inTableOrder(jobs, {
    id: sql<string>`${job.id}`.as("id"),
    organizationId: tickets.organizationId,
    ticketId: tickets.id,
    kind: sql<typeof job.kind>`${job.kind}`.as("kind"),
    status: sql<"pending">`'pending'`.as("status"),
    attempts: sql<number>`0`.as("attempts"),
    lastError: sql<null>`null`.as("last_error"),
    enqueuedAt: sql<string | null>`${job.enqueuedAt}`.as("enqueued_at"),
    webhookUrl: sql<null>`null`.as("webhook_url"),
    leasedUntil: sql<null>`null`.as("leased_until"),
    eventId: sql<string>`${job.eventId}`.as("event_id"),
    createdAt: sql<string>`${job.now}`.as("created_at"),
    updatedAt: sql<string>`${job.now}`.as("updated_at"),
  });
