import type { categories, ticketMessages, tickets } from "../db/schema";

/** What a classifier may choose from: one of the organization's categories. */
export type CategoryOption = Pick<typeof categories.$inferSelect, "name" | "description">;

/** The parts of a ticket a classifier reads. */
export type TicketText = Pick<typeof tickets.$inferSelect, "title" | "description"> & {
  messages: Pick<typeof ticketMessages.$inferSelect, "role" | "content">[];
};
