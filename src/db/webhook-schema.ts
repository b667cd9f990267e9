import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { EVENT_TYPES, organizations, ticketEvents } from "./schema";

/**
 * The webhook event types: one per ticket event type (`ticket.<type>`), so an event type added to
 * EVENT_TYPES (the email channel's, say) is a webhook event type too, and the outbox trigger
 * (drizzle/0008_webhook_outbox_trigger.sql) fans it out with no change here.
 */
export const WEBHOOK_EVENT_TYPES = EVENT_TYPES.map((t) => `ticket.${t}` as const) as unknown as readonly [
  `ticket.${(typeof EVENT_TYPES)[number]}`,
  ...`ticket.${(typeof EVENT_TYPES)[number]}`[],
];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const DELIVERY_STATES = ["pending", "succeeded", "failed"] as const;

/** An organization's webhook receivers (at most MAX_WEBHOOK_ENDPOINTS each). */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    // The subscribed event types as a JSON array; null: every type (also those added later).
    events: text("events", { mode: "json" }).$type<WebhookEventType[]>(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    // Why the worker disabled it (410 Gone, 5 days of failures); null when enabled or disabled by the user.
    disabledReason: text("disabled_reason"),
    // The signing secret, AES-GCM encrypted with WEBHOOK_SECRET_KEY (src/webhooks/secrets.ts): the
    // worker must sign with it, so a digest will not do, and a copy of the database alone is no key.
    secret: text("secret").notNull(),
    // After a rotation, the old secret signs too until previous_secret_expires_at.
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    lastSuccessAt: text("last_success_at"),
    lastFailureAt: text("last_failure_at"),
    // First failure since the last success (or since creation); cleared by a success. 5 days of it disable the endpoint.
    failingSince: text("failing_since"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.organizationId, t.enabled)],
);

/**
 * The webhook outbox and its log: one row per delivery attempt. The outbox trigger writes attempt 1
 * (pending) in the very batch that writes the ticket event; each attempt made becomes succeeded or
 * failed, and a failure that will be retried writes the next attempt (pending, with its
 * next_attempt_at) in the same batch. `round` 0 is the event's own delivery, each redeliver a new round.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => ticketEvents.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    round: integer("round").notNull().default(0),
    attempt: integer("attempt").notNull(),
    status: text("status", { enum: DELIVERY_STATES }).notNull().default("pending"),
    responseStatus: integer("response_status"),
    error: text("error"),
    durationMs: integer("duration_ms"),
    // Pending: when it is due. Failed: when the next attempt is (null after the last one).
    nextAttemptAt: text("next_attempt_at"),
    // When its queue message was sent (null: not yet; the dispatcher or the sweeper sends it).
    enqueuedAt: text("enqueued_at"),
    // While an attempt is in flight: a second copy of its message finds it claimed and sends nothing.
    leasedUntil: text("leased_until"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_attempt_uq").on(t.endpointId, t.eventId, t.round, t.attempt),
    index("webhook_deliveries_org_created_idx").on(t.organizationId, t.createdAt, t.id),
    index("webhook_deliveries_endpoint_created_idx").on(t.endpointId, t.createdAt, t.id),
    // The dispatcher and the sweeper: pending attempts only.
    index("webhook_deliveries_pending_idx").on(t.organizationId, t.enqueuedAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);
