import { and, eq, isNotNull, sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { categoryFor } from "./entity-categories";
import { inTableOrder } from "./insert-select";
import { categories, categoryLabels, categoryTerms, tickets } from "./schema";

/**
 * How a ticket's label moves its organization's classifier statistics (src/ai/learned-classifier.ts),
 * as statements that join a larger write's D1 batch, so learning never costs a round trip:
 * - `learn`: +1 labelled ticket and +its term counts for the category `category` picks;
 * - `unlearn`: the same, subtracted, for the ticket's current category (a correction moves counts
 *   from the old category to the new one).
 * Each reads the ticket's stored `terms` (so any length of ticket is one JSON value, never more
 * bound parameters) and its organization from the ticket row itself, and only runs `when` holds.
 * `category` is a condition on the `categories` row joined on the ticket's organization.
 */
const move = (db: Db, ticketId: string | Placeholder, category: SQL, when: SQL | undefined, sign: 1 | -1) => {
  const signed = sql.raw(String(sign));
  const labelCategory = and(eq(categories.organizationId, tickets.organizationId), category);
  const thisTicket = and(eq(tickets.id, ticketId), isNotNull(tickets.terms), when);
  return [
    db
      .insert(categoryTerms)
      .select(
        db
          .select(
            inTableOrder(categoryTerms, {
              organizationId: tickets.organizationId,
              category: categories.nameLower,
              term: sql<string>`j.key`.as("term"),
              count: sql<number>`${signed} * j.value`.as("count"),
            }),
          )
          .from(tickets)
          .innerJoin(categories, labelCategory)
          .crossJoin(sql`json_each(${tickets.terms}) as j`)
          .where(thisTicket),
      )
      .onConflictDoUpdate({
        target: [categoryTerms.organizationId, categoryTerms.category, categoryTerms.term],
        set: { count: sql`${categoryTerms.count} + excluded.count` },
      }),
    db
      .insert(categoryLabels)
      .select(
        db
          .select(
            inTableOrder(categoryLabels, {
              organizationId: tickets.organizationId,
              category: categories.nameLower,
              tickets: sql<number>`${signed}`.as("tickets"),
              terms: sql<number>`${signed} * (select coalesce(sum(t.value), 0) from json_each(${tickets.terms}) as t)`.as("terms"),
            }),
          )
          .from(tickets)
          .innerJoin(categories, labelCategory)
          .where(thisTicket),
      )
      .onConflictDoUpdate({
        target: [categoryLabels.organizationId, categoryLabels.category],
        set: {
          tickets: sql`${categoryLabels.tickets} + excluded.tickets`,
          terms: sql`${categoryLabels.terms} + excluded.terms`,
        },
      }),
  ] as const;
};

/**
 * The ticket's own category row, whatever its state now. The ticket stores the display name it was
 * given, and a category may since have been renamed in case (`billing` -> `Billing`, one row, one
 * `name_lower`, one set of counts), so the names are compared case-insensitively. SQLite's lower()
 * folds ASCII only; applied to both names it still finds at most one row (names that differ only in
 * ASCII case lower-case alike in the worker too), but does not follow a change in the case of a
 * non-ASCII letter.
 */
export const currentCategory = sql`lower(${categories.name}) = lower(${tickets.category})`;

/** A ticket category that is active and applies to tickets, by lower-cased name. */
export const activeTicketCategory = (nameLower: string) => and(eq(categories.nameLower, nameLower), categoryFor("ticket"))!;

/** The ticket's label (category from the request or set by hand) is counted: it is one of these sources. */
export const isLabel = sql`${tickets.categorySource} in ('request', 'manual')`;

export const learn = (db: Db, ticketId: string | Placeholder, category: SQL, when: SQL | undefined) =>
  move(db, ticketId, category, when, 1);

export const unlearn = (db: Db, ticketId: string | Placeholder, when: SQL | undefined) =>
  move(db, ticketId, currentCategory, and(isLabel, when)!, -1);

/**
 * After an unlearn: rows that reached zero go (and a count that went below zero, possible only
 * when a category was deleted and created again after the ticket was labelled, never lingers).
 * Scoped to the organization of the ticket `when` selects.
 */
export const dropEmptyCounts = (db: Db, ticketId: string, when: SQL | undefined) => {
  const org = db
    .select({ id: tickets.organizationId })
    .from(tickets)
    .where(and(eq(tickets.id, ticketId), when));
  return [
    db
      .delete(categoryTerms)
      .where(
        and(
          eq(categoryTerms.organizationId, sql`(${org})`),
          sql`${categoryTerms.term} in (select key from json_each((select x.terms from tickets as x where x.id = ${ticketId})))`,
          sql`${categoryTerms.count} <= 0`,
        ),
      ),
    db.delete(categoryLabels).where(and(eq(categoryLabels.organizationId, sql`(${org})`), sql`${categoryLabels.tickets} <= 0`)),
  ] as const;
};
