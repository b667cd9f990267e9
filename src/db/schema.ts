import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { TermCounts } from "../ai/terms";

// Timestamps are ISO-8601 UTC strings with milliseconds: they sort lexicographically,
// so (created_at, id) works as a keyset for pagination and reads well in the D1 console.
const timestamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

export const PRIORITIES = ["low", "medium", "high", "urgent"] as const;
export const TICKET_STATUSES = ["open", "in_progress", "waiting_for_customer", "resolved"] as const;
export const CATEGORY_SOURCES = ["request", "ai", "fallback", "manual"] as const;
export const ASSIGNEE_SOURCES = ["rule", "manual"] as const;
export const CATEGORIZATION_STATES = ["pending", "done", "skipped", "failed"] as const;
export const NOTIFICATION_STATES = ["pending", "sent", "skipped", "failed"] as const;
export const MESSAGE_ROLES = ["customer", "agent", "bot"] as const;
export const APPLIES_TO = ["ticket", "customer", "device", "any"] as const;
// categorize and notify: a new ticket's pipeline. route: re-run routing after a manual category.
// event: the Slack message for one ticket event (a customer reply, a status change).
// webhook_disabled: tells the organization's Slack that a webhook endpoint was disabled after 5 days
// of failures (event_id holds the endpoint's id; the ticket is that of the delivery that disabled it).
// email: one outbound email of an email ticket (src/jobs/email.ts); event_id is the `created` event
// for the acknowledgement of a new ticket, the `message_added` event for an agent's reply.
export const JOB_KINDS = ["categorize", "notify", "route", "event", "webhook_disabled", "email"] as const;
export const EVENT_TYPES = [
  "created",
  "categorized",
  "auto_resolved",
  "assigned",
  "status_changed",
  "priority_changed",
  "category_changed",
  "message_added",
  "notification_sent",
  "notification_failed",
  "email_received",
  "email_sent",
  "email_failed",
] as const;
/** Where a ticket came from: the HTTP API, or mail to one of the organization's support addresses. */
export const CHANNELS = ["api", "email"] as const;
export const JOB_STATES = ["pending", "done", "failed"] as const;

export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slackWebhookUrl: text("slack_webhook_url"),
  // The email channel (its addresses are in email_addresses): the display name replies are sent
  // under (null: the organization's name), and whether a new email ticket gets an acknowledgement.
  emailFromName: text("email_from_name"),
  emailAutoAcknowledge: integer("email_auto_acknowledge", { mode: "boolean" }).notNull().default(true),
  ...timestamps,
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    // Hex SHA-256 of the full key; the key itself is never stored.
    keyHash: text("key_hash").notNull(),
    // First characters of the key, so operators can tell keys apart.
    prefix: text("prefix").notNull(),
    // The operator's name for the key ("zapier", "mobile app"), so a rotation knows which to revoke.
    label: text("label"),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_key_hash_uq").on(t.keyHash), index("api_keys_org_idx").on(t.organizationId)],
);

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    // Lower-cased email: the identity of a customer within an organization.
    emailLower: text("email_lower").notNull(),
    // Defaults to the email's local part (Telemetron's rule) on every path that creates a customer.
    name: text("name"),
    phone: text("phone"),
    address: text("address"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    categories: text("categories", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    ...timestamps,
  },
  (t) => [uniqueIndex("customers_org_email_uq").on(t.organizationId, t.emailLower)],
);

export const devices = sqliteTable(
  "devices",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    // The caller's own name for the device (serial number, MAC address), trimmed; compared exactly.
    identifier: text("identifier").notNull(),
    type: text("type"),
    properties: text("properties", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    categories: text("categories", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    ...timestamps,
  },
  (t) => [uniqueIndex("devices_org_identifier_uq").on(t.organizationId, t.identifier)],
);

// Owners of a device (many-to-many: a family shares one). The primary key makes re-assigning a no-op.
export const deviceAssignments = sqliteTable(
  "device_assignments",
  {
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.customerId] }), index("device_assignments_customer_idx").on(t.customerId)],
);

export const categories = sqliteTable(
  "categories",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    nameLower: text("name_lower").notNull(),
    description: text("description"),
    appliesTo: text("applies_to", { enum: APPLIES_TO }).notNull().default("any"),
    aiEnabled: integer("ai_enabled", { mode: "boolean" }).notNull().default(true),
    autoResolve: integer("auto_resolve", { mode: "boolean" }).notNull().default(false),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    position: integer("position").notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex("categories_org_name_uq").on(t.organizationId, t.nameLower)],
);

export type RuleCondition = {
  ticketCategory?: string;
  customerCategory?: string;
  deviceCategory?: string;
  priority?: (typeof PRIORITIES)[number];
};

export const routingRules = sqliteTable(
  "routing_rules",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    when: text("when_json", { mode: "json" }).$type<RuleCondition>().notNull(),
    assignTo: text("assign_to").notNull(),
    slackWebhookUrl: text("slack_webhook_url"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("routing_rules_org_position_uq").on(t.organizationId, t.position)],
);

export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    // The device the ticket is about (extension), for device-category routing.
    deviceId: text("device_id").references(() => devices.id),
    title: text("title").notNull(),
    description: text("description"),
    priority: text("priority", { enum: PRIORITIES }).notNull(),
    status: text("status", { enum: TICKET_STATUSES }).notNull().default("open"),
    category: text("category"),
    categorySource: text("category_source", { enum: CATEGORY_SOURCES }),
    // The learned classifier's probability for the category it chose (categorySource "fallback"); null otherwise.
    categoryConfidence: real("category_confidence"),
    // The ticket's term counts (src/ai/terms.ts), from its text as created: what the classifier
    // reads, and what moves between categories' counts when a label is given or corrected.
    terms: text("terms", { mode: "json" }).$type<TermCounts>(),
    assignee: text("assignee"),
    // rule: set by routing; manual: set through updateTicket, which routing never overrides.
    assigneeSource: text("assignee_source", { enum: ASSIGNEE_SOURCES }),
    categorization: text("categorization", { enum: CATEGORIZATION_STATES }).notNull(),
    notification: text("notification", { enum: NOTIFICATION_STATES }).notNull().default("pending"),
    channel: text("channel", { enum: CHANNELS }).notNull().default("api"),
    // Email tickets: the secret `+tag` of the reply address (support+<token>@…), which threads a
    // reply whose client dropped In-Reply-To and References.
    replyToken: text("reply_token"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("tickets_reply_token_uq").on(t.replyToken),
    index("tickets_org_created_idx").on(t.organizationId, t.createdAt, t.id),
    index("tickets_org_status_created_idx").on(t.organizationId, t.status, t.createdAt, t.id),
    index("tickets_org_customer_created_idx").on(t.organizationId, t.customerId, t.createdAt, t.id),
    // listTickets?updatedAfter: an integration syncing changes polls with it.
    index("tickets_org_updated_idx").on(t.organizationId, t.updatedAt),
    // The categorize job's pool of labelled examples (src/db/job-context.ts): only labelled tickets
    // are in it, so finding the latest 50 never walks an organization's unlabelled ones.
    index("tickets_org_labelled_idx").on(t.organizationId, t.updatedAt).where(sql`${t.categorySource} in ('request', 'manual')`),
  ],
);

/** Who changed a ticket: the API (with the key's display prefix, never the key), the pipeline, or an operator. */
export type EventActor =
  | { type: "api"; keyPrefix: string }
  | { type: "pipeline" }
  | { type: "operator" }
  | { type: "email"; address: string };

// A ticket's history, written in the same D1 batch as each change it records.
export const ticketEvents = sqliteTable(
  "ticket_events",
  {
    id: text("id").primaryKey(),
    ticketId: text("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    organizationId: text("organization_id").notNull(),
    type: text("type", { enum: EVENT_TYPES }).notNull(),
    actor: text("actor", { mode: "json" }).$type<EventActor>().notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("ticket_events_ticket_created_idx").on(t.ticketId, t.createdAt, t.id)],
);

export const ticketMessages = sqliteTable(
  "ticket_messages",
  {
    ticketId: text("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    role: text("role", { enum: MESSAGE_ROLES }).notNull(),
    content: text("content").notNull(),
    // Email messages: the sender's address (the customer's, or the support address for an agent's).
    from: text("from_address"),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.position] })],
);

// The outbox: every asynchronous step is a row written in the same batch as the change
// that calls for it, so a lost queue message can always be re-sent from here.
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    ticketId: text("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: JOB_KINDS }).notNull(),
    status: text("status", { enum: JOB_STATES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    // When the job was last handed to the queue; the sweeper re-sends stale pending jobs.
    enqueuedAt: text("enqueued_at"),
    // notify only: the webhook routing chose when the ticket was categorized, so the post goes
    // where the stored assignee says even if the rules change before it is sent.
    webhookUrl: text("webhook_url"),
    // notify and event jobs: a delivery holds the job until then while it posts, so a second copy of
    // its message (a sweeper re-send, a queue duplicate) finds it claimed and posts nothing.
    leasedUntil: text("leased_until"),
    // route and event jobs: the event they act on ('' for categorize and notify, one of each per ticket).
    eventId: text("event_id").notNull().default(""),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("jobs_ticket_kind_event_uq").on(t.ticketId, t.kind, t.eventId),
    index("jobs_status_enqueued_idx").on(t.status, t.enqueuedAt),
  ],
);

export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    // SHA-256 of the canonical request body: same key + different body is a 422.
    requestHash: text("request_hash").notNull(),
    ticketId: text("ticket_id").notNull(),
    // What to replay when the stored response is not just the ticket id (addMessages' messageCount).
    response: text("response", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.key] }), index("idempotency_keys_expires_idx").on(t.expiresAt)],
);

/**
 * What each organization's labelled tickets (a category from the request or set by hand) taught
 * its classifier: how often each term occurred in each category's labelled tickets. Categories
 * are keyed by `name_lower`, so stats survive PUT categories (which replaces the rows) as long as
 * the name stays. Moved in the same D1 batch as the change that labels a ticket (src/db/category-learning.ts).
 */
export const categoryTerms = sqliteTable(
  "category_terms",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    category: text("category").notNull(),
    term: text("term").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.category, t.term] }),
    // The categorize job looks up one ticket's terms across all categories.
    index("category_terms_org_term_idx").on(t.organizationId, t.term),
  ],
);

/** Per organization and category: how many labelled tickets, and how many terms they had in all. */
export const categoryLabels = sqliteTable(
  "category_labels",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    category: text("category").notNull(),
    tickets: integer("tickets").notNull(),
    terms: integer("terms").notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.category] })],
);
