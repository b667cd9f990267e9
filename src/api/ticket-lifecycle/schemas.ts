import * as z from "zod/mini";
import { PRIORITIES, TICKET_STATUSES } from "../../db/schema";
import { instant, pageQuery } from "../common";
import { LIMITS, messageSchema } from "../tickets/schemas";

export const ticketId = z.string().check(z.minLength(1), z.maxLength(64));

export const updateTicketBody = z
  .object({
    ticketId,
    status: z.optional(z.enum(TICKET_STATUSES)),
    priority: z.optional(z.enum(PRIORITIES)),
    assignee: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))),
    category: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.category)))),
    expectedUpdatedAt: z.optional(instant("expectedUpdatedAt")),
  })
  .check(
    z.refine((b) => b.status !== undefined || b.priority !== undefined || b.assignee !== undefined || b.category !== undefined, {
      path: ["status"],
      message: "send at least one of status, priority, assignee, category",
    }),
  );

export const addMessagesBody = z.object({
  ticketId,
  messages: z.array(messageSchema).check(z.minLength(1), z.maxLength(LIMITS.messages)),
  notifyCustomer: z.optional(z.boolean()),
});

export const ticketEventsParams = z.object({ ticketId: ticketId });

export const ticketEventsQuery = pageQuery;

export const retryNotificationBody = z.object({ ticketId });
