import { and, eq, exists, gt, ne, not, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";
import { activeKey } from "./auth";
import { apiKeys, categories, customers, idempotencyKeys, jobs, ticketMessages, tickets } from "./schema";
import type { JobMessage } from "../jobs/messages";
import { newId } from "../lib/ids";
import { isoAfter } from "../lib/time";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export type NewTicket = {
  keyHash: string;
  title: string;
  description: string | null;
  priority: (typeof tickets.$inferInsert)["priority"];
  customerEmail?: string;
  customerId?: string;
  category?: string;
  messages?: { role: string; content: string }[];
  idempotency?: { key: string; requestHash: string };
};

export type CreateOutcome =
  | { kind: "unauthorized" }
  | { kind: "created"; ticketId: string; organizationId: string; jobs: JobMessage[] }
  | { kind: "replay"; ticketId: string; sameRequest: boolean }
  | { kind: "not_created"; organizationId: string };

/** A bound value as a named select field, for INSERT … SELECT column lists. */
const lit = <T>(value: T, alias: string) => sql<T>`${value}`.as(alias);

/**
 * Everything `createTicket` stores, as one D1 batch (one round trip, one transaction):
 * key check, customer find-or-create, category match, ticket, messages, outbox rows and the
 * idempotency record. Each statement reads the key's organization itself, so an unknown or
 * revoked key simply inserts nothing, and the last statement reports what happened.
 */
export const createTicketBatch = async (db: Db, input: NewTicket, now: string): Promise<CreateOutcome> => {
  const ticketId = newId();
  const customerId = input.customerId ?? newId();
  const emailLower = input.customerEmail?.trim().toLowerCase();
  const categorizeJobId = newId();
  const notifyJobId = newId();
  const idem = input.idempotency;

  // A live idempotency record for this key means another request already owns it.
  const keyIsFree: SQL = idem
    ? not(
        exists(
          db
            .select({ one: sql`1` })
            .from(idempotencyKeys)
            .where(
              and(
                eq(idempotencyKeys.organizationId, apiKeys.organizationId),
                eq(idempotencyKeys.key, idem.key),
                gt(idempotencyKeys.expiresAt, now),
              ),
            ),
        ),
      )
    : sql`1`;

  const customerMatch = input.customerId
    ? and(eq(customers.id, input.customerId), emailLower ? eq(customers.emailLower, emailLower) : undefined)
    : eq(customers.emailLower, emailLower!);

  const statements: BatchItem<"sqlite">[] = [];

  // Race-safe find-or-create: concurrent first tickets for one email all hit the unique
  // (organization_id, email_lower) index; one row wins, the others select it below.
  if (!input.customerId) {
    statements.push(
      db
        .insert(customers)
        .select(
          db
            .select({
              id: lit(customerId, "id"),
              organizationId: apiKeys.organizationId,
              email: lit(input.customerEmail!.trim(), "email"),
              emailLower: lit(emailLower!, "emailLower"),
              name: sql<string | null>`null`.as("name"),
              phone: sql<string | null>`null`.as("phone"),
              categories: sql<string[]>`'[]'`.as("categories"),
              createdAt: lit(now, "createdAt"),
              updatedAt: lit(now, "updatedAt"),
            })
            .from(apiKeys)
            .where(and(activeKey(input.keyHash), keyIsFree)),
        )
        .onConflictDoNothing(),
    );
  }

  const categoryLower = input.category?.trim().toLowerCase() || null;
  statements.push(
    db.insert(tickets).select(
      db
        .select({
          id: lit(ticketId, "id"),
          organizationId: apiKeys.organizationId,
          customerId: customers.id,
          title: lit(input.title, "title"),
          description: lit(input.description, "description"),
          priority: lit(input.priority, "priority"),
          status: lit("open", "status"),
          category: categories.name,
          categorySource: sql<string | null>`case when ${categories.id} is null then null else 'request' end`.as("categorySource"),
          assignee: sql<string | null>`null`.as("assignee"),
          categorization: sql<string>`case when ${categories.id} is null then 'pending' else 'skipped' end`.as("categorization"),
          notification: lit("pending", "notification"),
          createdAt: lit(now, "createdAt"),
          updatedAt: lit(now, "updatedAt"),
        })
        .from(apiKeys)
        .innerJoin(customers, and(eq(customers.organizationId, apiKeys.organizationId), customerMatch))
        .leftJoin(
          categories,
          and(
            eq(categories.organizationId, apiKeys.organizationId),
            eq(categories.nameLower, sql`${categoryLower}`),
            eq(categories.active, true),
            ne(categories.appliesTo, "customer"),
          ),
        )
        .where(and(activeKey(input.keyHash), keyIsFree)),
    ),
  );

  const ticketExists = sql`exists (select 1 from ${tickets} where ${tickets.id} = ${ticketId})`;

  if (input.messages?.length) {
    // One statement for any number of messages: json_each keeps the bound-parameter count at two.
    statements.push(
      db
        .insert(ticketMessages)
        .select(
          sql`select ${ticketId}, j.key, json_extract(j.value, '$.role'), json_extract(j.value, '$.content')
              from json_each(${JSON.stringify(input.messages)}) as j where ${ticketExists}`,
        ),
    );
  }

  // Both outbox rows exist from the start; only categorize is sent now, notify follows it.
  statements.push(
    db.insert(jobs).select(
      sql`select ${categorizeJobId}, t.organization_id, t.id, 'categorize', 'pending', 0, null, ${now}, ${now}, ${now}
          from ${tickets} as t where t.id = ${ticketId}
          union all
          select ${notifyJobId}, t.organization_id, t.id, 'notify', 'pending', 0, null, null, ${now}, ${now}
          from ${tickets} as t where t.id = ${ticketId}`,
    ),
  );

  if (idem) {
    statements.push(
      db
        .insert(idempotencyKeys)
        .select(
          sql`select t.organization_id, ${idem.key}, ${idem.requestHash}, t.id, ${now}, ${isoAfter(IDEMPOTENCY_TTL_MS, Date.parse(now))}
              from ${tickets} as t where t.id = ${ticketId}`,
        )
        .onConflictDoUpdate({
          target: [idempotencyKeys.organizationId, idempotencyKeys.key],
          set: {
            requestHash: sql`excluded.request_hash`,
            ticketId: sql`excluded.ticket_id`,
            createdAt: sql`excluded.created_at`,
            expiresAt: sql`excluded.expires_at`,
          },
          // Only an expired record may be taken over; a live one stays with its request.
          setWhere: sql`${idempotencyKeys.expiresAt} <= excluded.created_at`,
        }),
    );
  }

  const outcome = db
    .select({
      organizationId: apiKeys.organizationId,
      ticketId: tickets.id,
      idemTicketId: idempotencyKeys.ticketId,
      idemRequestHash: idempotencyKeys.requestHash,
    })
    .from(apiKeys)
    .leftJoin(tickets, and(eq(tickets.id, ticketId), eq(tickets.organizationId, apiKeys.organizationId)))
    .leftJoin(
      idempotencyKeys,
      and(
        eq(idempotencyKeys.organizationId, apiKeys.organizationId),
        eq(idempotencyKeys.key, idem?.key ?? ""),
        gt(idempotencyKeys.expiresAt, now),
      ),
    )
    .where(activeKey(input.keyHash))
    .limit(1);

  // Order matters: customer, ticket, messages, jobs, idempotency record, then the report.
  const results = await db.batch([statements[0]!, ...statements.slice(1), outcome]);
  const row = (results.at(-1) as Awaited<typeof outcome>)[0];

  if (!row) return { kind: "unauthorized" };
  if (row.ticketId) {
    return {
      kind: "created",
      ticketId: row.ticketId,
      organizationId: row.organizationId,
      jobs: [{ jobId: categorizeJobId, kind: "categorize", ticketId }],
    };
  }
  if (idem && row.idemTicketId) {
    return { kind: "replay", ticketId: row.idemTicketId, sameRequest: row.idemRequestHash === idem.requestHash };
  }
  return { kind: "not_created", organizationId: row.organizationId };
};
