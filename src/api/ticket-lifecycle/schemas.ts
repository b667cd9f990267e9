import * as z from "zod/mini";
import { EVENT_TYPES, PRIORITIES, TICKET_STATUSES } from "../../db/schema";
import { instant, pageQuery } from "../common";
import { LIMITS, messageSchema, ticketSchema } from "../tickets/schemas";

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

export const updateTicketResponse = z
  .object({ success: z.literal(true), ticket: ticketSchema })
  .register(z.globalRegistry, { id: "UpdateTicketResponse" });

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

export const addMessagesResponse = z
  .object({
    success: z.literal(true),
    ticketId: z.string(),
    messageCount: z.number().check(z.int()).register(z.globalRegistry, { description: "Messages the ticket holds now." }),
  })
  .register(z.globalRegistry, { id: "AddMessagesResponse" });

export const ticketEventsParams = z.object({ ticketId: ticketId });

export const ticketEventsQuery = pageQuery;

export const eventSchema = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    actor: z.discriminatedUnion("type", [
      z.object({
        type: z.literal("api"),
        keyPrefix: z.string().register(z.globalRegistry, { description: "The API key's display prefix, never the key." }),
      }),
      z.object({ type: z.literal("pipeline") }),
      z.object({ type: z.literal("operator") }),
    ]),
    data: z.record(z.string(), z.unknown()).register(z.globalRegistry, {
      description:
        "What changed: `from`/`to` for status, priority, assignee and category changes; `count`, `fromPosition` and `reopenedFrom` " +
        "for messages; `category`/`source` when categorized; `eventId` or `error` for notifications.",
    }),
    createdAt: z.string(),
  })
  .register(z.globalRegistry, { id: "TicketEvent" });

export const ticketEventsResponse = z
  .object({ success: z.literal(true), events: z.array(eventSchema), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: "TicketEventsResponse" });

export const retryNotificationBody = z.object({ ticketId }).register(z.globalRegistry, { id: "RetryNotificationRequest" });

export const retryNotificationResponse = z
  .object({
    success: z.literal(true),
    ticketId: z.string(),
    retried: z.number().check(z.int()).register(z.globalRegistry, {
      description:
        "How many failed jobs were handed back to the queue: Slack posts, and a failed categorization that failed the first one.",
    }),
    more: z.boolean().register(z.globalRegistry, {
      description: "true when this call stopped at its bound and failed posts may remain: call again for the rest.",
    }),
  })
  .register(z.globalRegistry, { id: "RetryNotificationResponse" });
