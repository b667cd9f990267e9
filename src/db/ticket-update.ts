import { and, eq, ne, or, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { inKeyOrg } from "./auth";
import { namedBatch } from "./batch";
import { activeTicketCategory, dropEmptyCounts, learn, unlearn } from "./category-learning";
import { outboxRow } from "./outbox";
import { jobs, ticketEvents, tickets, type PRIORITIES, type TICKET_STATUSES } from "./schema";
import { variantsOf } from "./plans";
import { nextUpdatedAt, qualified } from "./sql";
import { apiActor, insertEvent } from "./ticket-events";
import { keyOrganizationWithWebhooks } from "./webhook-flag";
import { ticketStatements, toView, type TicketView } from "./ticket-queries";
import type { JobMessage } from "../jobs/messages";
import { newId } from "../lib/ids";

export type TicketChange = {
  status?: (typeof TICKET_STATUSES)[number];
  priority?: (typeof PRIORITIES)[number];
  assignee?: string | null;
  category?: string | null;
};

export type UpdateOutcome =
  | { kind: "unauthorized" }
  | { kind: "not_found" }
  | { kind: "conflict"; updatedAt: string }
  | { kind: "unknown_category" }
  | { kind: "updated"; ticket: TicketView; jobs: JobMessage[]; organizationId: string; webhooks: boolean };

/** The canonical name of the active ticket category the request named (case-insensitive), or null. */
const canonicalCategory = (nameLower: string) =>
  sql`(select c.name from categories as c where c.organization_id = ${qualified(tickets.organizationId)}
    and c.name_lower = ${nameLower} and c.active = 1 and c.applies_to in ('ticket', 'any'))`;

/** An outbox job for the event `eventId` if its event row was written and `when` holds for the ticket now. */
const jobForEvent = (db: Db, id: string, kind: "route" | "event", eventId: string, now: string, when: SQL) =>
  db
    .insert(jobs)
    .select(
      db
        .select(outboxRow({ id, kind, enqueuedAt: now, eventId: ticketEvents.id, now }))
        .from(ticketEvents)
        .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
        .where(and(eq(ticketEvents.id, eventId), when)),
    )
    .returning({ jobId: jobs.id, kind: jobs.kind, ticketId: jobs.ticketId });

/**
 * The ticket's new values under the update's guard: a manual assignee (`null` clears it, so
 * routing assigns again) and a manual category with no classifier confidence.
 */
const applyChange = (db: Db, change: TicketChange, newCategory: SQL, guard: SQL | undefined, now: string) =>
  db
    .update(tickets)
    .set({
      status: change.status,
      priority: change.priority,
      ...(change.assignee !== undefined
        ? { assignee: change.assignee, assigneeSource: change.assignee === null ? null : ("manual" as const) }
        : {}),
      ...(change.category !== undefined ? { category: newCategory, categorySource: "manual" as const, categoryConfidence: null } : {}),
      updatedAt: nextUpdatedAt(now),
    })
    .where(guard)
    .returning({ id: tickets.id });

/**
 * updateTicket as one D1 batch: key check; one event per field that really changes (written first,
 * so each can say what the value was); the update; the jobs the change calls for; the ticket as it
 * now is. Every statement carries the same guard: the ticket is the key's organization's, it has not
 * changed since `expectedUpdatedAt` (when given), and a named category is an active ticket category.
 * So of two agents updating from one version, exactly one wins; the other gets a 409.
 *
 * A manual assignee (`assigneeSource: "manual"`) is never overridden by routing; `null` clears it and
 * lets routing assign again. A manual category is never overridden by a classifier, never
 * auto-resolves, and re-runs routing on the queue (a `route` job) unless the assignee is manual or
 * categorization is still pending (the categorize job routes with the manual category then). A status
 * change is posted to Slack (an `event` job) whatever became of the ticket's first notification.
 */
export const updateTicket = async (
  db: Db,
  keyHash: string,
  ticketId: string,
  change: TicketChange,
  expectedUpdatedAt: string | undefined,
  now: string,
): Promise<UpdateOutcome> => {
  const {
    auth,
    update: updated,
    eventJob,
    routeJob,
    ticket: rows,
    messages,
  } = await namedBatch(db, updateTicketBatch(db, { keyHash, ticketId, change, expectedUpdatedAt, now, ids: updateIds() }));
  if (auth.length === 0) return { kind: "unauthorized" };
  const row = rows[0];
  if (!row) return { kind: "not_found" };
  if (updated.length === 0) {
    if (expectedUpdatedAt !== undefined && row.updatedAt !== expectedUpdatedAt) return { kind: "conflict", updatedAt: row.updatedAt };
    return { kind: "unknown_category" };
  }
  return {
    kind: "updated",
    ticket: toView(row, messages),
    jobs: [...eventJob, ...routeJob],
    organizationId: auth[0]!.organizationId,
    webhooks: auth[0]!.webhooks === 1,
  };
};

/** The ids an update may write: one event per field, and the two follow-up jobs. */
const updateIds = () => ({
  status: newId(),
  priority: newId(),
  assignee: newId(),
  category: newId(),
  eventJob: newId(),
  routeJob: newId(),
});

/**
 * What of a request changes the SQL of updateTicket's batch: each field absent or given (the
 * assignee and the category also cleared with `null`), and whether it names the version it
 * updates. Keyed by TicketChange's fields, so a new field cannot be left out of test/sql/.
 */
export const UPDATE_TICKET_VARIANTS = variantsOf({
  status: ["absent", "given"],
  priority: ["absent", "given"],
  assignee: ["absent", "given", "cleared"],
  category: ["absent", "given", "cleared"],
  expectedUpdatedAt: ["absent", "given"],
} as const satisfies Record<keyof TicketChange | "expectedUpdatedAt", readonly ("absent" | "given" | "cleared")[]>);

/** updateTicket's batch, each statement under its name, in batch order. */
export const updateTicketBatch = (
  db: Db,
  input: {
    keyHash: string;
    ticketId: string;
    change: TicketChange;
    expectedUpdatedAt: string | undefined;
    now: string;
    ids: ReturnType<typeof updateIds>;
  },
) => {
  const { keyHash, ticketId, change, expectedUpdatedAt, now, ids } = input;
  const categoryLower = typeof change.category === "string" ? change.category.trim().toLowerCase() : undefined;
  const newCategory = categoryLower === undefined ? sql`null` : canonicalCategory(categoryLower);
  const guard = and(
    eq(tickets.id, ticketId),
    inKeyOrg(db, tickets.organizationId, keyHash),
    expectedUpdatedAt !== undefined ? eq(tickets.updatedAt, expectedUpdatedAt) : undefined,
    categoryLower !== undefined ? sql`${newCategory} is not null` : undefined,
  );
  const actor = apiActor(keyHash);
  const fromTo = (column: SQL, to: SQL | string | null, extra = sql``) => sql`json_object('from', ${column}, 'to', ${to}${extra})`;

  // One statement per field, always (a field not in the request guards itself out with `0`), so the
  // batch has one shape and its results keep their types.
  const onlyIf = (requested: boolean, changed: SQL) => (requested ? and(guard, changed) : sql`0`);
  const events = {
    statusEvent: insertEvent(
      db,
      ticketId,
      { id: ids.status, type: "status_changed", actor, data: fromTo(sql`${tickets.status}`, change.status ?? null), now },
      onlyIf(change.status !== undefined, ne(tickets.status, change.status ?? "open")),
    ),
    priorityEvent: insertEvent(
      db,
      ticketId,
      { id: ids.priority, type: "priority_changed", actor, data: fromTo(sql`${tickets.priority}`, change.priority ?? null), now },
      onlyIf(change.priority !== undefined, ne(tickets.priority, change.priority ?? "medium")),
    ),
    assigneeEvent: insertEvent(
      db,
      ticketId,
      {
        id: ids.assignee,
        type: "assigned",
        actor,
        data: fromTo(sql`${tickets.assignee}`, change.assignee ?? null, sql`, 'source', 'manual'`),
        now,
      },
      onlyIf(change.assignee !== undefined, sql`${tickets.assignee} is not ${change.assignee ?? null}`),
    ),
    categoryEvent: insertEvent(
      db,
      ticketId,
      {
        id: ids.category,
        type: "category_changed",
        actor,
        data: fromTo(sql`${tickets.category}`, newCategory, sql`, 'source', 'manual'`),
        now,
      },
      onlyIf(change.category !== undefined, sql`${tickets.category} is not ${newCategory}`),
    ),
  };

  // A category set by hand is a label: the classifier's counts move from the ticket's old label
  // (if it had one) to the new one, before the update (they read the old category) and under the
  // same guard, so a 409 or an unknown category moves nothing.
  const relabel = onlyIf(change.category !== undefined, sql`1`);
  const [unlearnTerms, unlearnLabels] = unlearn(db, ticketId, relabel);
  const [learnTerms, learnLabels] = learn(
    db,
    ticketId,
    activeTicketCategory(categoryLower ?? ""),
    onlyIf(categoryLower !== undefined, sql`1`),
  );
  const [dropEmptyTerms, dropEmptyLabels] = dropEmptyCounts(db, ticketId, relabel);
  const learning = { unlearnTerms, unlearnLabels, learnTerms, learnLabels, dropEmptyTerms, dropEmptyLabels };

  const update = applyChange(db, change, newCategory, guard, now);

  const followUps = {
    // A status change reaches Slack whatever became of the ticket's first notification.
    eventJob: jobForEvent(db, ids.eventJob, "event", ids.status, now, sql`1`),
    routeJob: jobForEvent(
      db,
      ids.routeJob,
      "route",
      ids.category,
      now,
      and(or(isNull(tickets.assigneeSource), ne(tickets.assigneeSource, "manual")), ne(tickets.categorization, "pending"))!,
    ),
  };

  const [ticket, ticketMessages] = ticketStatements(db, keyHash, ticketId);
  return {
    auth: keyOrganizationWithWebhooks(db, keyHash),
    ...events,
    ...learning,
    update,
    ...followUps,
    ticket,
    messages: ticketMessages,
  };
};
