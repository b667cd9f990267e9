import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { organizations, tickets } from "./schema";

export const EMAIL_DIRECTIONS = ["in", "out"] as const;

/**
 * The inbound support addresses (lower-cased, without `+tag`), each owned by one organization
 * across the deployment. On shard 0 the table is the deployment's directory, every organization's
 * addresses whatever its shard: its primary key is what turns a second claim into a 409, and the
 * email handler finds a recipient's organization there (src/email/directory.ts). On any other shard
 * it holds a copy of its own organizations' addresses, for their reads and email jobs. No foreign
 * key, since the directory names organizations that live on other shards. `position` 0 is the
 * address replies are sent from.
 */
export const emailAddresses = sqliteTable(
  "email_addresses",
  {
    address: text("address").primaryKey(),
    organizationId: text("organization_id").notNull(),
    position: integer("position").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("email_addresses_org_idx").on(t.organizationId, t.position)],
);

/**
 * Every Message-ID an organization has seen on a ticket, received (`in`) or sent (`out`): what
 * makes a redelivered mail add nothing (the unique index), what threads a reply onto its ticket
 * (In-Reply-To / References), what a bounce names, and (new tickets per sender per hour) the rate
 * limit's count. `ticket_id` has no foreign key: the row is written first in its batch, before the
 * ticket it opens exists, so that every later statement can be guarded by it.
 */
export const emailMessages = sqliteTable(
  "email_messages",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    // As in the header, without the angle brackets; a mail without one is keyed by a digest of its bytes.
    messageId: text("message_id").notNull(),
    ticketId: text("ticket_id").notNull(),
    direction: text("direction", { enum: EMAIL_DIRECTIONS }).notNull(),
    // Inbound: the sender's lower-cased address.
    sender: text("sender"),
    // Inbound: whether this mail opened its ticket (the rate limit counts these).
    openedTicket: integer("opened_ticket", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("email_messages_org_message_uq").on(t.organizationId, t.messageId),
    index("email_messages_ticket_idx").on(t.ticketId, t.createdAt),
    index("email_messages_org_sender_idx").on(t.organizationId, t.sender, t.createdAt),
    // The acknowledgements' hourly bound counts the tickets an organization's mail opened.
    index("email_messages_org_opened_idx").on(t.organizationId, t.createdAt).where(sql`${t.openedTicket} = 1`),
  ],
);

/**
 * Files received with email messages; the bytes are in R2 (binding ATTACHMENTS) under `r2_key`.
 * `position` is the ticket message they came with.
 */
export const attachments = sqliteTable(
  "attachments",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    ticketId: text("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    // Order within the message.
    ordinal: integer("ordinal").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    r2Key: text("r2_key").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("attachments_ticket_idx").on(t.ticketId, t.position, t.ordinal)],
);
