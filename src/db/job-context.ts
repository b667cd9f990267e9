import { and, asc, desc, eq, sql } from "drizzle-orm";
import * as z from "zod/mini";
import type { Db } from "./client";
import { namedBatch } from "./batch";
import {
  categories,
  categoryLabels,
  categoryTerms,
  customers,
  devices,
  jobs,
  organizations,
  routingRules,
  ticketEvents,
  ticketMessages,
  tickets,
} from "./schema";
import type { LabelledExample } from "../ai/examples";
import type { LearnedStats } from "../ai/learned-classifier";
import { isLabel } from "./category-learning";
import { ticketColumns } from "./ticket-queries";
import { hasWebhooks } from "./webhook-flag";

/** The device's categories, a JSON array of names in its row: parsed, not cast. */
const deviceCategoryNames = z.array(z.string());

/** Messages a classifier reads; the Slack notice needs only the first customer message. */
const FIRST_MESSAGES = 3;
/** The organization's most recently labelled tickets, from which the AI prompt's examples are picked by similarity. */
export const EXAMPLE_POOL = 50;

// The query pieces the job kinds' loaders are built from. Each is one statement of a loader's
// batch, scoped in SQL to the ticket (and through it to its organization).

const ticketOrg = (ticketId: string) => sql`(select ${tickets.organizationId} from ${tickets} where ${tickets.id} = ${ticketId})`;
const eventOfJob = (jobId: string) => sql`(select j.event_id from jobs as j where j.id = ${jobId})`;

/** The ticket's outbox rows: the job being run among them, and the others it may wait on. */
const ticketJobs = (db: Db, ticketId: string) =>
  db
    .select({
      id: jobs.id,
      kind: jobs.kind,
      status: jobs.status,
      attempts: jobs.attempts,
      webhookUrl: jobs.webhookUrl,
      eventId: jobs.eventId,
      createdAt: jobs.createdAt,
    })
    .from(jobs)
    .where(eq(jobs.ticketId, ticketId));

/** The shared read-model columns (joined ones aliased) plus what only the pipeline needs. */
const pipelineTicket = (db: Db, ticketId: string) =>
  db
    .select({
      ...ticketColumns,
      organizationId: tickets.organizationId,
      terms: tickets.terms,
      customerCategories: customers.categories,
      deviceCategories: sql<string | null>`${devices.categories}`.as("device_categories"),
      orgWebhookUrl: sql<string | null>`${organizations.slackWebhookUrl}`.as("org_webhook_url"),
      // Whether the events this job writes have webhook deliveries to dispatch (src/webhooks/).
      webhooks: hasWebhooks(tickets.organizationId),
    })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(devices, eq(devices.id, tickets.deviceId))
    .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
    .where(eq(tickets.id, ticketId));

/** The organization's categories, read once per job, not per condition. */
const orgCategories = (db: Db, ticketId: string) =>
  db
    .select()
    .from(categories)
    .where(eq(categories.organizationId, ticketOrg(ticketId)))
    .orderBy(asc(categories.position));

/** The organization's routing rules in the order they match. */
const orgRules = (db: Db, ticketId: string) =>
  db
    .select()
    .from(routingRules)
    .where(eq(routingRules.organizationId, ticketOrg(ticketId)))
    .orderBy(asc(routingRules.position));

const firstMessages = (db: Db, ticketId: string) =>
  db
    .select({ role: ticketMessages.role, content: ticketMessages.content })
    .from(ticketMessages)
    .where(eq(ticketMessages.ticketId, ticketId))
    .orderBy(asc(ticketMessages.position))
    .limit(FIRST_MESSAGES);

const firstCustomerMessage = (db: Db, ticketId: string) =>
  db
    .select({ content: ticketMessages.content })
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.role, "customer")))
    .orderBy(asc(ticketMessages.position))
    .limit(1);

/** An event job's event. */
const jobEvent = (db: Db, ticketId: string, jobId: string) =>
  db
    .select({ id: ticketEvents.id, type: ticketEvents.type, actor: ticketEvents.actor, data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.id, eventOfJob(jobId))));

/** For a reply event, the first customer message it added. */
const replyOfEvent = (db: Db, ticketId: string, jobId: string) =>
  db
    .select({ content: ticketMessages.content })
    .from(ticketMessages)
    .where(
      and(
        eq(ticketMessages.ticketId, ticketId),
        eq(ticketMessages.role, "customer"),
        sql`${ticketMessages.position} >= (select json_extract(e.data, '$.fromPosition') from ticket_events as e where e.id = ${eventOfJob(jobId)})`,
      ),
    )
    .orderBy(asc(ticketMessages.position))
    .limit(1);

/**
 * The learned classifier's statistics: term counts for this ticket's terms only (one JSON value
 * bound, however long the ticket), and each category's label totals.
 */
const termCounts = (db: Db, ticketId: string) =>
  db
    .select({ category: categoryTerms.category, term: categoryTerms.term, count: categoryTerms.count })
    .from(categoryTerms)
    .where(
      and(
        eq(categoryTerms.organizationId, ticketOrg(ticketId)),
        sql`${categoryTerms.term} in (select key from json_each((select x.terms from tickets as x where x.id = ${ticketId})))`,
      ),
    );

const labelTotals = (db: Db, ticketId: string) =>
  db
    .select({ category: categoryLabels.category, tickets: categoryLabels.tickets, terms: categoryLabels.terms })
    .from(categoryLabels)
    .where(eq(categoryLabels.organizationId, ticketOrg(ticketId)));

/**
 * The organization's latest labelled tickets but this one: the pool the AI prompt's examples are
 * picked from. Served by the partial index `tickets_org_labelled_idx`, so it reads at most
 * EXAMPLE_POOL rows however many unlabelled tickets the organization has.
 */
export const labelledExamples = (db: Db, ticketId: string) =>
  db
    .select({ title: tickets.title, category: tickets.category, terms: tickets.terms })
    .from(tickets)
    .where(and(eq(tickets.organizationId, ticketOrg(ticketId)), isLabel, sql`${tickets.id} <> ${ticketId}`))
    .orderBy(desc(tickets.updatedAt))
    .limit(EXAMPLE_POOL);

type Rows<Query extends (...args: never[]) => PromiseLike<unknown[]>> = Awaited<ReturnType<Query>>;

export type JobRow = Rows<typeof ticketJobs>[number];
export type PipelineTicket = Omit<Rows<typeof pipelineTicket>[number], "deviceCategories"> & { deviceCategories: string[] };
export type CategoryRow = typeof categories.$inferSelect;
export type RoutingRuleRow = typeof routingRules.$inferSelect;
export type TicketEventRow = Rows<typeof jobEvent>[number];

/** What every job kind reads: its ticket and the ticket's outbox rows. */
export type BaseJobContext = {
  ticket: PipelineTicket;
  /** The job being run; undefined when it is gone. */
  job: JobRow | undefined;
  jobs: JobRow[];
  categorizeJob: JobRow | undefined;
  notifyJob: JobRow | undefined;
};

/** What routing decides from. */
export type RoutingContext = Pick<BaseJobContext, "ticket"> & { rules: RoutingRuleRow[] };

export type CategorizeContext = BaseJobContext &
  RoutingContext & {
    categories: CategoryRow[];
    messages: Rows<typeof firstMessages>;
    learned: LearnedStats;
    examples: LabelledExample[];
  };
export type NotifyContext = BaseJobContext & { firstCustomerMessage: string | null };
export type RouteContext = BaseJobContext & RoutingContext;
export type EventContext = BaseJobContext & { event: TicketEventRow | undefined; reply: string | null };

/** A kind's context loader: one batch, one round trip. Undefined when the ticket no longer exists. */
export type JobContextLoader<Context extends BaseJobContext = BaseJobContext> = (
  db: Db,
  ticketId: string,
  jobId: string,
) => Promise<Context | undefined>;

/** The statements every loader starts with (src/db/email-outbound.ts builds its loader from them too). */
export const baseStatements = (db: Db, ticketId: string) => ({ jobs: ticketJobs(db, ticketId), ticket: pipelineTicket(db, ticketId) });

export const baseContext = (rows: { jobs: JobRow[]; ticket: Rows<typeof pipelineTicket> }, jobId: string): BaseJobContext | undefined => {
  const ticket = rows.ticket[0];
  if (!ticket) return undefined;
  return {
    // Raw JSON from the left join (null without a device): the column's JSON mode does not reach an aliased expression.
    ticket: { ...ticket, deviceCategories: ticket.deviceCategories ? deviceCategoryNames.parse(JSON.parse(ticket.deviceCategories)) : [] },
    job: rows.jobs.find((j) => j.id === jobId),
    jobs: rows.jobs,
    categorizeJob: rows.jobs.find((j) => j.kind === "categorize"),
    notifyJob: rows.jobs.find((j) => j.kind === "notify"),
  };
};

const learnedStats = (termRows: Rows<typeof termCounts>, labelRows: Rows<typeof labelTotals>): LearnedStats => {
  const counts = new Map<string, Map<string, number>>();
  for (const { category, term, count } of termRows) {
    const terms = counts.get(category) ?? new Map<string, number>();
    terms.set(term, count);
    counts.set(category, terms);
  }
  return { labels: new Map(labelRows.map(({ category, ...totals }) => [category, totals])), counts };
};

/**
 * The categorize job's context: the ticket, its jobs, the organization's categories and routing
 * rules, its first messages, the learned classifier's statistics and the AI prompt's example pool.
 */
export const loadCategorizeContext: JobContextLoader<CategorizeContext> = async (db, ticketId, jobId) => {
  const rows = await namedBatch(db, {
    ...baseStatements(db, ticketId),
    categories: orgCategories(db, ticketId),
    rules: orgRules(db, ticketId),
    messages: firstMessages(db, ticketId),
    termCounts: termCounts(db, ticketId),
    labelTotals: labelTotals(db, ticketId),
    examples: labelledExamples(db, ticketId),
  });
  const base = baseContext(rows, jobId);
  return (
    base && {
      ...base,
      categories: rows.categories,
      rules: rows.rules,
      messages: rows.messages,
      learned: learnedStats(rows.termCounts, rows.labelTotals),
      examples: rows.examples.filter((e): e is LabelledExample => e.category !== null && e.terms !== null),
    }
  );
};

/** The notify job's context: the ticket, its jobs (with the webhook routing chose) and the first customer message it quotes. */
export const loadNotifyContext: JobContextLoader<NotifyContext> = async (db, ticketId, jobId) => {
  const rows = await namedBatch(db, { ...baseStatements(db, ticketId), firstCustomerMessage: firstCustomerMessage(db, ticketId) });
  const base = baseContext(rows, jobId);
  return base && { ...base, firstCustomerMessage: rows.firstCustomerMessage[0]?.content ?? null };
};

/** The route job's context: the ticket, its jobs and the organization's routing rules. */
export const loadRouteContext: JobContextLoader<RouteContext> = async (db, ticketId, jobId) => {
  const rows = await namedBatch(db, { ...baseStatements(db, ticketId), rules: orgRules(db, ticketId) });
  const base = baseContext(rows, jobId);
  return base && { ...base, rules: rows.rules };
};

/** The event job's context: the ticket, its jobs (earlier posts it waits on), its event and, for a reply, the message it quotes. */
export const loadEventContext: JobContextLoader<EventContext> = async (db, ticketId, jobId) => {
  const rows = await namedBatch(db, {
    ...baseStatements(db, ticketId),
    event: jobEvent(db, ticketId, jobId),
    reply: replyOfEvent(db, ticketId, jobId),
  });
  const base = baseContext(rows, jobId);
  return base && { ...base, event: rows.event[0], reply: rows.reply[0]?.content ?? null };
};
