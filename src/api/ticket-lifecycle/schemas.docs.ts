// Build time only: the response schemas, which only the OpenAPI document reads (the handlers build
// their answers, typed by their queries); the worker never imports this module.
import * as z from "zod/mini";
import { EVENT_TYPES } from "../../db/schema";
import { ticketSchema } from "../tickets/schemas.docs";
export const updateTicketResponse = z
  .object({ success: z.literal(true), ticket: ticketSchema })
  .register(z.globalRegistry, { id: "UpdateTicketResponse" });

export const addMessagesResponse = z
  .object({
    success: z.literal(true),
    ticketId: z.string(),
    messageCount: z.number().check(z.int()).register(z.globalRegistry, { description: "Messages the ticket holds now." }),
  })
  .register(z.globalRegistry, { id: "AddMessagesResponse" });

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
