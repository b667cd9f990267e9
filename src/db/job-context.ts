import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "./client";
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
import type { LearnedStats } from "../ai/learned-classifier";
import type { TermCounts } from "../ai/terms";
import { isLabel } from "./category-learning";
import { ticketColumns } from "./ticket-queries";

/** Messages a classifier reads; the Slack notice needs only the first customer message. */
const FIRST_MESSAGES = 3;
/** The organization's most recently labelled tickets, from which the AI prompt's examples are picked by similarity. */
export const EXAMPLE_POOL = 50;

const ticketOrg = (ticketId: string) => sql`(select ${tickets.organizationId} from ${tickets} where ${tickets.id} = ${ticketId})`;

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

/**
 * Everything a pipeline job decides from, in one batch (one round trip): the ticket's outbox
 * rows, the ticket with its customer and organization webhook, the organization's categories
 * and routing rules, and its first messages. Categories and rules are read once per job, not
 * per condition. Undefined when the ticket no longer exists.
 */
export const loadJobContext = async (db: Db, ticketId: string, jobId: string) => {
  const eventOfJob = sql`(select j.event_id from jobs as j where j.id = ${jobId})`;
  const ticketTermsJson = sql`(select x.terms from tickets as x where x.id = ${ticketId})`;
  const [jobRows, ticketRows, categoryRows, ruleRows, messages, customerMessages, eventRows, replies, termRows, labelRows, examples] =
    await db.batch([
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
        .where(eq(jobs.ticketId, ticketId)),
      // The shared read-model columns (joined ones aliased) plus what only the pipeline needs.
      db
        .select({
          ...ticketColumns,
          organizationId: tickets.organizationId,
          terms: tickets.terms,
          customerCategories: customers.categories,
          deviceCategories: sql<string | null>`${devices.categories}`.as("device_categories"),
          orgWebhookUrl: sql<string | null>`${organizations.slackWebhookUrl}`.as("org_webhook_url"),
        })
        .from(tickets)
        .innerJoin(customers, eq(customers.id, tickets.customerId))
        .leftJoin(devices, eq(devices.id, tickets.deviceId))
        .innerJoin(organizations, eq(organizations.id, tickets.organizationId))
        .where(eq(tickets.id, ticketId)),
      db
        .select()
        .from(categories)
        .where(eq(categories.organizationId, ticketOrg(ticketId)))
        .orderBy(asc(categories.position)),
      db
        .select()
        .from(routingRules)
        .where(eq(routingRules.organizationId, ticketOrg(ticketId)))
        .orderBy(asc(routingRules.position)),
      db
        .select({ role: ticketMessages.role, content: ticketMessages.content })
        .from(ticketMessages)
        .where(eq(ticketMessages.ticketId, ticketId))
        .orderBy(asc(ticketMessages.position))
        .limit(FIRST_MESSAGES),
      db
        .select({ content: ticketMessages.content })
        .from(ticketMessages)
        .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.role, "customer")))
        .orderBy(asc(ticketMessages.position))
        .limit(1),
      // An event job's event, and for a reply the first customer message it added.
      db
        .select({ id: ticketEvents.id, type: ticketEvents.type, actor: ticketEvents.actor, data: ticketEvents.data })
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.id, eventOfJob))),
      db
        .select({ content: ticketMessages.content })
        .from(ticketMessages)
        .where(
          and(
            eq(ticketMessages.ticketId, ticketId),
            eq(ticketMessages.role, "customer"),
            sql`${ticketMessages.position} >= (select json_extract(e.data, '$.fromPosition') from ticket_events as e where e.id = ${eventOfJob})`,
          ),
        )
        .orderBy(asc(ticketMessages.position))
        .limit(1),
      // The learned classifier's statistics: for this ticket's terms only (one JSON value bound,
      // however long the ticket), and each category's label totals.
      db
        .select({ category: categoryTerms.category, term: categoryTerms.term, count: categoryTerms.count })
        .from(categoryTerms)
        .where(
          and(
            eq(categoryTerms.organizationId, ticketOrg(ticketId)),
            sql`${categoryTerms.term} in (select key from json_each(${ticketTermsJson}))`,
          ),
        ),
      db
        .select({ category: categoryLabels.category, tickets: categoryLabels.tickets, terms: categoryLabels.terms })
        .from(categoryLabels)
        .where(eq(categoryLabels.organizationId, ticketOrg(ticketId))),
      labelledExamples(db, ticketId),
    ]);
  const ticket = ticketRows[0];
  if (!ticket) return undefined;
  return {
    // Raw JSON from the left join (null without a device): the column's JSON mode does not reach an aliased expression.
    ticket: { ...ticket, deviceCategories: ticket.deviceCategories ? (JSON.parse(ticket.deviceCategories) as string[]) : [] },
    categorizeJob: jobRows.find((j) => j.kind === "categorize"),
    notifyJob: jobRows.find((j) => j.kind === "notify"),
    categories: categoryRows,
    rules: ruleRows,
    messages,
    firstCustomerMessage: customerMessages[0]?.content ?? null,
    job: jobRows.find((j) => j.id === jobId),
    jobs: jobRows,
    event: eventRows[0],
    reply: replies[0]?.content ?? null,
    learned: learnedStats(termRows, labelRows),
    examples: examples.filter((e): e is { title: string; category: string; terms: TermCounts } => e.category !== null && e.terms !== null),
  };
};

const learnedStats = (
  termRows: { category: string; term: string; count: number }[],
  labelRows: { category: string; tickets: number; terms: number }[],
): LearnedStats => {
  const counts = new Map<string, Map<string, number>>();
  for (const { category, term, count } of termRows) {
    const terms = counts.get(category) ?? new Map<string, number>();
    terms.set(term, count);
    counts.set(category, terms);
  }
  return { labels: new Map(labelRows.map(({ category, ...totals }) => [category, totals])), counts };
};

export type JobContext = NonNullable<Awaited<ReturnType<typeof loadJobContext>>>;
export type JobRow = NonNullable<JobContext["categorizeJob"]>;
