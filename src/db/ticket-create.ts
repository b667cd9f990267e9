import { and, eq, exists, isNotNull, sql, type Placeholder } from "drizzle-orm";
import * as z from "zod/mini";
import { ticketTerms } from "../ai/terms";
import { activeKey } from "./auth";
import { emailPrefix } from "./customers";
import { currentCategory, learn } from "./category-learning";
import { categoryFor } from "./entity-categories";
import { idempotencyValues, keyedWriteReport, keyedWriteReportRow, keyIsFree, recordKey, type ReportOf } from "./idempotency";
import { inTableOrder } from "./insert-select";
import { outboxRow } from "./outbox";
import { type PlanResults, renderedOnce, renderer, renderPlan, runPlan, variantsOf, type VariantOf } from "./plans";
import { isRetryableD1Error } from "./retry";
import { apiKeys, categories, customers, devices, jobs, ticketEvents, ticketMessages, tickets } from "./schema";
import { apiActor, eventRow } from "./ticket-events";
import { hasWebhooks } from "./webhook-flag";
import type { JobMessage } from "../jobs/messages";
import { newId } from "../lib/ids";

export type NewTicket = {
  keyHash: string;
  title: string;
  description: string | null;
  priority: (typeof tickets.$inferInsert)["priority"];
  customerEmail?: string;
  customerId?: string;
  category?: string;
  deviceIdentifier?: string;
  messages?: { role: string; content: string }[];
  idempotency?: { key: string; requestHash: string };
};

export type CreateOutcome =
  | { kind: "unauthorized" }
  | { kind: "created"; ticketId: string; organizationId: string; jobs: JobMessage[]; webhooks: boolean }
  | { kind: "replay"; ticketId: string; sameRequest: boolean }
  | { kind: "not_created"; organizationId: string };

/** Every value the batch binds; the statements name them as Drizzle placeholders. */
type Values = {
  keyHash: string;
  ticketId: string;
  customerId: string;
  email: string | null;
  emailLower: string | null;
  customerName: string | null;
  deviceIdentifier: string | null;
  title: string;
  description: string | null;
  priority: string;
  categoryLower: string | null;
  messages: string | null;
  terms: string;
  categorizeJobId: string;
  notifyJobId: string;
  createdEventId: string;
  idemKey: string;
  idemHash: string | null;
  now: string;
  expiresAt: string;
};

const p = (name: keyof Values) => sql.placeholder(name);
/** A bound value as a named select field, for INSERT … SELECT column lists. */
const lit = <T>(name: keyof Values, alias: string) => sql<T>`${p(name)}`.as(alias);

/** What varies between creates, and so between the SQL texts of the batch (test/sql/create-ticket.*.sql). */
const VARIANT_OPTIONS = {
  customer: ["email", "id", "id+email"],
  device: [false, true],
  messages: [false, true],
  idempotent: [false, true],
  labelled: [false, true],
} as const;
type Variant = VariantOf<typeof VARIANT_OPTIONS>;

const db = renderer;

/** The conditions a create's statements share, for one variant. */
const conditionsFor = ({ customer, idempotent }: Variant) => ({
  // A live idempotency record for this key means another request already owns it.
  authorizedAndFree: and(activeKey(p("keyHash")), idempotent ? keyIsFree(db, apiKeys.organizationId, p("idemKey"), p("now")) : sql`1`),
  deviceMatch: and(eq(devices.organizationId, apiKeys.organizationId), eq(devices.identifier, p("deviceIdentifier"))),
  customerMatch:
    customer === "email"
      ? eq(customers.emailLower, p("emailLower"))
      : customer === "id"
        ? eq(customers.id, p("customerId"))
        : and(eq(customers.id, p("customerId")), eq(customers.emailLower, p("emailLower"))),
  thisTicket: eq(tickets.id, p("ticketId")),
});
type Conditions = ReturnType<typeof conditionsFor>;

/**
 * Race-safe find-or-create of the customer by email: concurrent first tickets for one email all
 * hit the unique (organization_id, email_lower) index; one row wins, the others select it in `ticket`.
 */
const insertCustomer = ({ device }: Variant, c: Conditions) =>
  db
    .insert(customers)
    .select(
      db
        .select(
          inTableOrder(customers, {
            id: lit<string>("customerId", "id"),
            organizationId: apiKeys.organizationId,
            email: lit<string>("email", "email"),
            emailLower: lit<string>("emailLower", "emailLower"),
            name: lit<string>("customerName", "name"),
            phone: sql<string | null>`null`.as("phone"),
            address: sql<string | null>`null`.as("address"),
            metadata: sql<Record<string, unknown>>`'{}'`.as("metadata"),
            categories: sql<string[]>`'[]'`.as("categories"),
            createdAt: lit<string>("now", "createdAt"),
            updatedAt: lit<string>("now", "updatedAt"),
          }),
        )
        .from(apiKeys)
        // An unknown device is a 404 that must write nothing, not even the customer.
        .where(and(c.authorizedAndFree, device ? exists(db.select({ one: sql`1` }).from(devices).where(c.deviceMatch)) : undefined)),
    )
    .onConflictDoNothing();

/** The ticket, joined with its customer, its device and the requested category (if they match). */
const insertTicket = ({ device }: Variant, c: Conditions) =>
  db.insert(tickets).select(
    db
      .select(
        inTableOrder(tickets, {
          id: lit<string>("ticketId", "id"),
          organizationId: apiKeys.organizationId,
          customerId: customers.id,
          deviceId: devices.id,
          title: lit<string>("title", "title"),
          description: lit<string | null>("description", "description"),
          priority: lit<NewTicket["priority"]>("priority", "priority"),
          status: sql<"open">`'open'`.as("status"),
          category: categories.name,
          categorySource: sql<"request" | null>`case when ${categories.id} is null then null else 'request' end`.as("categorySource"),
          categoryConfidence: sql<null>`null`.as("categoryConfidence"),
          terms: lit<Record<string, number>>("terms", "terms"),
          assignee: sql<string | null>`null`.as("assignee"),
          assigneeSource: sql<null>`null`.as("assigneeSource"),
          categorization: sql<"pending" | "skipped">`case when ${categories.id} is null then 'pending' else 'skipped' end`.as(
            "categorization",
          ),
          notification: sql<"pending">`'pending'`.as("notification"),
          channel: sql<"api">`'api'`.as("channel"),
          replyToken: sql<null>`null`.as("replyToken"),
          createdAt: lit<string>("now", "createdAt"),
          updatedAt: lit<string>("now", "updatedAt"),
        }),
      )
      .from(apiKeys)
      .innerJoin(customers, and(eq(customers.organizationId, apiKeys.organizationId), c.customerMatch))
      // Without a device nothing matches and device_id stays null; with one, an unknown device means no row.
      .leftJoin(devices, device ? c.deviceMatch : sql`0`)
      .leftJoin(
        categories,
        and(eq(categories.organizationId, apiKeys.organizationId), eq(categories.nameLower, p("categoryLower")), categoryFor("ticket")),
      )
      .where(and(c.authorizedAndFree, device ? isNotNull(devices.id) : undefined)),
  );

/** Every message in one statement: json_each keeps the bound-parameter count low whatever their number. */
const insertMessages = (c: Conditions) =>
  db.insert(ticketMessages).select(
    db
      .select(
        inTableOrder(ticketMessages, {
          ticketId: tickets.id,
          position: sql<number>`j.key`.as("position"),
          role: sql<"customer">`json_extract(j.value, '$.role')`.as("role"),
          content: sql<string>`json_extract(j.value, '$.content')`.as("content"),
          from: sql<null>`null`.as("from_address"),
        }),
      )
      .from(tickets)
      .crossJoin(sql`json_each(${p("messages")}) as j`)
      .where(c.thisTicket),
  );

/** Both outbox rows exist from the start; only categorize is sent now, notify follows it. */
const insertOutboxJobs = (c: Conditions) => {
  const outboxJob = (id: keyof Values, kind: "categorize" | "notify", enqueuedAt: Placeholder | null) =>
    db
      .select(outboxRow({ id: p(id), kind, enqueuedAt, eventId: "", now: p("now") }))
      .from(tickets)
      .where(c.thisTicket);
  return db.insert(jobs).select(outboxJob("categorizeJobId", "categorize", p("now")).unionAll(outboxJob("notifyJobId", "notify", null)));
};

/** The ticket's history starts in the same transaction as the ticket. */
const insertCreatedEvent = (c: Conditions) =>
  db.insert(ticketEvents).select(
    db
      .select(
        eventRow(
          p("createdEventId"),
          "created",
          apiActor(p("keyHash")),
          sql`json_object('priority', ${tickets.priority}, 'category', ${tickets.category}, 'deviceId', ${tickets.deviceId})`,
          p("now"),
        ),
      )
      .from(tickets)
      .where(c.thisTicket),
  );

const recordIdempotencyKey = () =>
  recordKey(db, {
    ticketId: p("ticketId"),
    // The ticket's id is this request's own: it exists only if this request created it.
    done: sql`1`,
    key: p("idemKey"),
    requestHash: p("idemHash"),
    response: sql`null`,
    now: p("now"),
    expiresAt: p("expiresAt"),
  });

/** The report, with whether the organization has an enabled webhook endpoint (its `created` event then has deliveries to dispatch). */
const report = () => keyedWriteReport(db, { webhooks: hasWebhooks(apiKeys.organizationId) });

/** The report's row: D1 returns it raw (the plan bypasses Drizzle's result mapping), so it is parsed. */
const reportRow: z.ZodMiniType<ReportOf<ReturnType<typeof report>> | undefined> = z.optional(
  z.extend(keyedWriteReportRow, { webhooks: z.number() }),
);

/**
 * The statements of one create, by name, in batch order. Each reads the key's organization itself,
 * so an unknown or revoked key inserts nothing and the report comes back empty.
 */
const buildStatements = (v: Variant) => {
  const c = conditionsFor(v);
  // A category from the request labels the ticket: the organization's classifier learns from it
  // in this same transaction (an unknown category name matched no row, so nothing is learned).
  const [learnTerms, learnLabels] = learn(db, p("ticketId"), currentCategory, sql`${tickets.categorySource} = 'request'`);
  return renderPlan({
    customer: v.customer === "email" ? insertCustomer(v, c) : undefined,
    ticket: insertTicket(v, c),
    messages: v.messages ? insertMessages(c) : undefined,
    learnTerms: v.labelled ? learnTerms : undefined,
    learnLabels: v.labelled ? learnLabels : undefined,
    jobs: insertOutboxJobs(c),
    createdEvent: insertCreatedEvent(c),
    idempotencyKey: v.idempotent ? recordIdempotencyKey() : undefined,
    report: report(),
  });
};

/** Every variant of the batch, for the golden SQL files (test/sql/). */
export const CREATE_TICKET_VARIANTS = variantsOf(VARIANT_OPTIONS);

/** The batch's SQL, rendered by Drizzle once per variant and isolate, not per request. */
export const createTicketPlan = renderedOnce(
  buildStatements,
  (v: Variant) => `${v.customer}|${v.device}|${v.messages}|${v.idempotent}|${v.labelled}`,
);

const created = (values: Values, organizationId: string, webhooks: boolean): CreateOutcome => ({
  kind: "created",
  ticketId: values.ticketId,
  organizationId,
  jobs: [{ jobId: values.categorizeJobId, kind: "categorize", ticketId: values.ticketId }],
  webhooks,
});

/**
 * Everything `createTicket` stores, as one D1 batch (one round trip, one transaction; retried once,
 * with the same ids, on an error D1 documents as transient):
 * key check, customer find-or-create, category match, ticket, messages, outbox rows and the
 * idempotency record, and a final report of what happened.
 */
export const createTicketBatch = async (d1: D1Database | D1DatabaseSession, input: NewTicket, now: string): Promise<CreateOutcome> => {
  const emailLower = input.customerEmail?.trim().toLowerCase() ?? null;
  const values: Values = {
    keyHash: input.keyHash,
    ticketId: newId(),
    customerId: input.customerId ?? newId(),
    email: input.customerEmail?.trim() ?? null,
    emailLower,
    customerName: input.customerEmail ? emailPrefix(input.customerEmail.trim()) : null,
    deviceIdentifier: input.deviceIdentifier?.trim() ?? null,
    title: input.title,
    description: input.description,
    priority: input.priority,
    categoryLower: input.category?.trim().toLowerCase() || null,
    messages: input.messages?.length ? JSON.stringify(input.messages) : null,
    terms: JSON.stringify(ticketTerms({ title: input.title, description: input.description, messages: input.messages ?? [] })),
    categorizeJobId: newId(),
    notifyJobId: newId(),
    createdEventId: newId(),
    now,
    ...idempotencyValues(input.idempotency, now),
  };
  const plan = createTicketPlan({
    customer: input.customerId ? (emailLower ? "id+email" : "id") : "email",
    device: values.deviceIdentifier !== null,
    messages: values.messages !== null,
    idempotent: input.idempotency !== undefined,
    labelled: values.categoryLower !== null,
  });

  let results: PlanResults<typeof plan>;
  try {
    results = await runPlan(d1, plan, values);
  } catch (err) {
    if (!isRetryableD1Error(err)) throw err;
    // Once, with the very same ids: if the first attempt committed after all, the retry collides
    // with its rows (same primary keys) and fails; then the ticket with our id exists, and we
    // answer with it instead of making a second.
    try {
      results = await runPlan(d1, plan, values);
    } catch (again) {
      const stored = await d1
        .prepare("select organization_id as organizationId from tickets where id = ?")
        .bind(values.ticketId)
        .first<{ organizationId: string }>();
      if (!stored) throw again;
      // Whether it has webhooks is unknown here: the sweeper sends the deliveries.
      return created(values, stored.organizationId, false);
    }
  }
  const row = reportRow.parse(results.report.results[0]);

  if (!row) return { kind: "unauthorized" };
  if (row.ticketId) return created(values, row.organizationId, row.webhooks === 1);
  // A retried keyed request whose first attempt committed finds its own record: that is this ticket.
  if (input.idempotency && row.idemTicketId === values.ticketId) return created(values, row.organizationId, row.webhooks === 1);
  if (input.idempotency && row.idemTicketId) {
    return { kind: "replay", ticketId: row.idemTicketId, sameRequest: row.idemRequestHash === input.idempotency.requestHash };
  }
  return { kind: "not_created", organizationId: row.organizationId };
};
