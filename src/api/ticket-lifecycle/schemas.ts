import * as z from "zod/mini";
import { PRIORITIES, TICKET_STATUSES } from "../../db/schema";
import { instant, pageQuery } from "../common";
import { LIMITS, messageSchema } from "../tickets/schemas";

const ticketId = z
  .string()
  .check(z.minLength(1), z.maxLength(64))
  .register(z.globalRegistry, { example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b" });

export const updateTicketBody = z
  .object({
    ticketId,
    status: z.optional(z.enum(TICKET_STATUSES)),
    priority: z.optional(z.enum(PRIORITIES)),
    assignee: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))).register(z.globalRegistry, {
      description:
        'A manual assignee (`assigneeSource: "manual"`), never overridden by routing; null unassigns and lets routing assign again.',
      example: "@jane",
    }),
    category: z.optional(z.nullable(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.category)))).register(z.globalRegistry, {
      description:
        'An active ticket category (case-insensitive; 400 otherwise) or null. A manual category (`categorySource: "manual"`) is never ' +
        "overridden by a classifier, never auto-resolves, and re-runs routing unless the assignee is manual.",
      example: "Billing",
    }),
    expectedUpdatedAt: z.optional(instant("expectedUpdatedAt")).register(z.globalRegistry, {
      description: "The `updatedAt` you read: 409 if the ticket changed since (no lost update between two agents).",
    }),
  })
  .check(
    z.refine((b) => b.status !== undefined || b.priority !== undefined || b.assignee !== undefined || b.category !== undefined, {
      path: ["status"],
      message: "send at least one of status, priority, assignee, category",
    }),
  )
  .register(z.globalRegistry, { id: "UpdateTicketRequest" });

export const addMessagesBody = z
  .object({
    ticketId,
    messages: z
      .array(messageSchema)
      .check(z.minLength(1), z.maxLength(LIMITS.messages))
      .register(z.globalRegistry, {
        example: [{ role: "customer", content: "It happened again this morning." }],
      }),
  })
  .register(z.globalRegistry, { id: "AddMessagesRequest" });

export const ticketEventsParams = z.object({ ticketId: ticketId });

export const ticketEventsQuery = pageQuery;

export const retryNotificationBody = z.object({ ticketId }).register(z.globalRegistry, { id: "RetryNotificationRequest" });
