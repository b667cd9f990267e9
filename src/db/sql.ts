import { getTableName, sql, type Placeholder } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { tickets } from "./schema";

/**
 * `"table"."column"`, always. Drizzle renders columns unqualified inside the fields of a
 * single-table select, where a correlated subquery's own table could capture the name.
 */
export const qualified = (column: SQLiteColumn) => sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;

/** How many messages the ticket in `ticketId` holds: a count over its `ticket_messages` primary key's prefix. */
export const messageCountOf = (ticketId: SQLiteColumn) =>
  sql<number>`(select count(*) from ticket_messages as m where m.ticket_id = ${qualified(ticketId)})`;

/**
 * A ticket's next `updated_at`: now, or a millisecond past the stored value if that is not
 * earlier. It always moves, so `expectedUpdatedAt` (optimistic locking) sees every change, even
 * two within one millisecond.
 */
export const nextUpdatedAt = (now: string | Placeholder) =>
  sql`case when ${now} > ${qualified(tickets.updatedAt)} then ${now}
    else strftime('%Y-%m-%dT%H:%M:%fZ', ${qualified(tickets.updatedAt)}, '+0.001 seconds') end`;
