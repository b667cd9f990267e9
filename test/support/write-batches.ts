import { renderer } from "../../src/db/plans";
import { type TicketChange, UPDATE_TICKET_VARIANTS, updateTicketBatch } from "../../src/db/ticket-update";
import { requestValue as v } from "./sql-golden";

/**
 * The write batches built per request from named builders (not pre-rendered like createTicket's),
 * each with every variant whose SQL differs, built by the code's own batch function on a
 * rendering-only Drizzle instance: test/sql/<file>.sql holds their SQL (`npm run sql:golden`).
 */
export type WriteBatch = { file: string; operation: string; variants: { label: string; statements: Record<string, Renderable> }[] };
type Renderable = { toSQL(): { sql: string; params: unknown[] } };

const db = renderer;
const label = (variant: Record<string, unknown>) => JSON.stringify(variant);
const now = v("now");
const keyHash = v("keyHash");

/** A field's request value for a variant: absent, a value, or `null` (cleared). */
const pick = <T>(state: "absent" | "given" | "cleared", given: T) => (state === "absent" ? undefined : state === "given" ? given : null);

export const WRITE_BATCHES: WriteBatch[] = [
  {
    file: "update-ticket",
    operation: "updateTicket (PATCH /tickets/{id})",
    variants: UPDATE_TICKET_VARIANTS.map((variant) => ({
      label: label(variant),
      statements: updateTicketBatch(db, {
        keyHash,
        ticketId: v("ticketId"),
        change: {
          status: variant.status === "given" ? (v("status") as TicketChange["status"]) : undefined,
          priority: variant.priority === "given" ? (v("priority") as TicketChange["priority"]) : undefined,
          assignee: pick(variant.assignee, v("assignee")),
          category: pick(variant.category, v("category")),
        },
        expectedUpdatedAt: variant.expectedUpdatedAt === "given" ? v("expectedUpdatedAt") : undefined,
        now,
        ids: {
          status: v("statusEventId"),
          priority: v("priorityEventId"),
          assignee: v("assigneeEventId"),
          category: v("categoryEventId"),
          eventJob: v("eventJobId"),
          routeJob: v("routeJobId"),
        },
      }),
    })),
  },
];
