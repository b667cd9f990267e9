import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { inKeyOrg, keyOrganization } from "./auth";
import { emailPrefix } from "./customers";
import { kindLiterals, SLACK_POST_KINDS } from "./job-kinds";
import { customers, devices, ticketMessages, tickets } from "./schema";
import { qualified } from "./sql";

// Inside db.batch D1 returns rows as objects, so two selected columns with one name (tickets.id,
// customers.id) would collide and shift every value after them: joined columns get unique aliases.
export const ticketColumns = {
  id: tickets.id,
  title: tickets.title,
  description: tickets.description,
  priority: tickets.priority,
  status: tickets.status,
  category: tickets.category,
  categorySource: tickets.categorySource,
  categoryConfidence: tickets.categoryConfidence,
  assignee: tickets.assignee,
  assigneeSource: tickets.assigneeSource,
  categorization: tickets.categorization,
  notification: tickets.notification,
  channel: tickets.channel,
  // Why the ticket's Slack posts are failing: the last error of a post not (yet) sent, newest first.
  // A post that goes out clears its error, so this is null once Slack took them all. Served by the
  // jobs' (ticket_id, kind, event_id) index.
  notificationError: sql<string | null>`(select j.last_error from jobs as j where j.ticket_id = ${qualified(tickets.id)}
    and j.kind in (${kindLiterals(SLACK_POST_KINDS)}) and j.last_error is not null order by j.updated_at desc limit 1)`.as(
    "notification_error",
  ),
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
  customerId: sql<string>`${customers.id}`.as("customer_id"),
  customerEmail: customers.email,
  customerName: customers.name,
  deviceId: tickets.deviceId,
  deviceIdentifier: devices.identifier,
  deviceType: sql<string | null>`${devices.type}`.as("device_type"),
};

export const selectTickets = (db: Db) =>
  db
    .select(ticketColumns)
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(devices, eq(devices.id, tickets.deviceId));

type TicketRow = Awaited<ReturnType<typeof selectTickets>>[number];
type MessageRow = Pick<typeof ticketMessages.$inferSelect, "ticketId" | "role" | "content" | "from"> & { attachments: string };

/** A ticket as the API shows it, without its messages (see `toView` and `toListedView`). */
const toBaseView = (row: TicketRow) => ({
  id: row.id,
  title: row.title,
  description: row.description,
  priority: row.priority,
  status: row.status,
  category: row.category,
  categorySource: row.categorySource,
  categoryConfidence: row.categoryConfidence,
  assignee: row.assignee,
  assigneeSource: row.assigneeSource,
  channel: row.channel,
  customer: { id: row.customerId, email: row.customerEmail, name: row.customerName ?? emailPrefix(row.customerEmail) },
  device:
    row.deviceId && row.deviceIdentifier !== null ? { id: row.deviceId, identifier: row.deviceIdentifier, type: row.deviceType } : null,
  processing: { categorization: row.categorization, notification: row.notification, notificationError: row.notificationError },
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** The full ticket, messages included (getTicket, updateTicket). */
export const toView = (row: TicketRow, messages: MessageRow[] = []) => ({
  ...toBaseView(row),
  messages: messages.map(messageView),
});

type AttachmentView = { id: string; filename: string; contentType: string; size: number };

/** A message as the API shows it: an email message also says who sent it and lists its attachments. */
const messageView = ({ role, content, from, attachments }: MessageRow) => {
  const files = JSON.parse(attachments) as AttachmentView[];
  return {
    role,
    content,
    ...(from === null ? {} : { from }),
    ...(files.length ? { attachments: files } : {}),
  };
};

export type TicketView = ReturnType<typeof toView>;

const messageColumns = {
  ticketId: ticketMessages.ticketId,
  role: ticketMessages.role,
  content: ticketMessages.content,
  from: ticketMessages.from,
  // The message's attachments as one JSON array, in their order (attachments_ticket_idx), so the
  // ticket and its messages stay two statements. Built by SQLite, parsed back in `messageView`.
  attachments:
    sql<string>`(select json_group_array(json_object('id', a.id, 'filename', a.filename, 'contentType', a.content_type, 'size', a.size))
    from (select * from attachments as a where a.ticket_id = ${qualified(ticketMessages.ticketId)} and a.position = ${qualified(ticketMessages.position)} order by a.ordinal) as a)`.as(
      "attachments",
    ),
};

/** One ticket of the key's organization and its messages: two statements for a batch. */
export const ticketStatements = (db: Db, keyHash: string, ticketId: string) =>
  [
    selectTickets(db).where(and(eq(tickets.id, ticketId), inKeyOrg(db, tickets.organizationId, keyHash))),
    db
      .select(messageColumns)
      .from(ticketMessages)
      .innerJoin(tickets, eq(tickets.id, ticketMessages.ticketId))
      .where(and(eq(ticketMessages.ticketId, ticketId), inKeyOrg(db, tickets.organizationId, keyHash)))
      .orderBy(asc(ticketMessages.position)),
  ] as const;

/** Key check, ticket and its messages in one batch; `undefined` organization means 401. */
export const findTicket = async (db: Db, keyHash: string, ticketId: string) => {
  const [auth, rows, messages] = await db.batch([keyOrganization(db, keyHash), ...ticketStatements(db, keyHash, ticketId)]);
  const row = rows[0];
  return { authorized: auth.length > 0, ticket: row && toView(row, messages) };
};

export type Cursor = { createdAt: string; id: string };

export const encodeCursor = (c: Cursor) => btoa(JSON.stringify([c.createdAt, c.id])).replace(/=+$/, "");

export const decodeCursor = (raw: string): Cursor | undefined => {
  try {
    const value: unknown = JSON.parse(atob(raw));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) {
      const [createdAt, id] = value as [string, string];
      return { createdAt, id };
    }
  } catch {
    // fall through: an unreadable cursor is the caller's error, reported as 400
  }
  return undefined;
};

export type TicketFilters = {
  status?: TicketRow["status"];
  priority?: TicketRow["priority"];
  category?: string;
  customerId?: string;
  assignee?: string;
  /** Tickets changed after this instant (exclusive): what an integration syncing changes polls with. */
  updatedAfter?: string;
  notification?: TicketRow["notification"];
  categorization?: TicketRow["categorization"];
  channel?: TicketRow["channel"];
};

/**
 * The ticket's category is `name`, case-insensitively. SQLite's lower() folds ASCII only, so the
 * comparison goes through the categories' `name_lower`, lower-cased in the worker (Unicode-aware):
 * `Ärger` finds tickets in `ärger`. The exact name still matches a category since deleted.
 */
const categoryIs = (name: string) =>
  or(
    eq(tickets.category, name.trim()),
    inArray(
      tickets.category,
      sql`(select c.name from categories as c where c.organization_id = ${qualified(tickets.organizationId)} and c.name_lower = ${name.trim().toLowerCase()})`,
    ),
  );

/**
 * Newest first, keyset-paginated on (created_at, id): a page never skips or repeats a ticket
 * however many are created meanwhile. Fetches one extra row to know whether a next page exists.
 */
export const listTickets = async (db: Db, keyHash: string, filters: TicketFilters, limit: number, after?: Cursor) => {
  const conditions: (SQL | undefined)[] = [
    inKeyOrg(db, tickets.organizationId, keyHash),
    filters.status && eq(tickets.status, filters.status),
    filters.priority && eq(tickets.priority, filters.priority),
    filters.customerId !== undefined ? eq(tickets.customerId, filters.customerId) : undefined,
    filters.category !== undefined ? categoryIs(filters.category) : undefined,
    filters.assignee !== undefined ? eq(tickets.assignee, filters.assignee) : undefined,
    filters.updatedAfter !== undefined ? gt(tickets.updatedAt, filters.updatedAfter) : undefined,
    filters.notification && eq(tickets.notification, filters.notification),
    filters.categorization && eq(tickets.categorization, filters.categorization),
    filters.channel && eq(tickets.channel, filters.channel),
    after && or(lt(tickets.createdAt, after.createdAt), and(eq(tickets.createdAt, after.createdAt), lt(tickets.id, after.id))),
  ];
  // Listed tickets carry their message count, not their messages: a page of 100 tickets stays a
  // few MB whatever they hold (D1 caps one result at 50 MB, a Worker has 128 MB;
  // https://developers.cloudflare.com/d1/platform/limits/).
  const page = db
    .select({
      ...ticketColumns,
      messageCount: sql<number>`(select count(*) from ticket_messages as m where m.ticket_id = ${qualified(tickets.id)})`.as(
        "message_count",
      ),
    })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .leftJoin(devices, eq(devices.id, tickets.deviceId))
    .where(and(...conditions))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(limit + 1);
  const [auth, rows] = await db.batch([keyOrganization(db, keyHash), page]);
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    authorized: auth.length > 0,
    tickets: pageRows.map(({ messageCount, ...row }) => ({ ...toBaseView(row), messageCount })),
    nextCursor: hasMore && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
};
