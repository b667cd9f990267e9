// Build time only; the worker never imports this module. The response schemas, which only the
// OpenAPI document reads (the handlers build their answers, typed by their queries), and what the
// document says about the request schemas (`describe`: ids, descriptions, examples).
import * as z from "zod/mini";
import { EVENT_TYPES } from "../../db/schema";
import { ticketSchema } from "../tickets/schemas.docs";
import { addMessagesBody, ticketId, retryNotificationBody, updateTicketBody } from "./schemas";
import { describe } from "../common.docs";

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

// What the document says about the request schemas (the worker validates with them, undescribed).
describe(ticketId, { example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b" });
describe(updateTicketBody.shape.assignee, {
  description: 'A manual assignee (`assigneeSource: "manual"`), never overridden by routing; null unassigns and lets routing assign again.',
  example: "@jane",
});
describe(updateTicketBody.shape.category, {
  description:
    'An active ticket category (case-insensitive; 400 otherwise) or null. A manual category (`categorySource: "manual"`) is never ' +
    "overridden by a classifier, never auto-resolves, and re-runs routing unless the assignee is manual.",
  example: "Billing",
});
describe(updateTicketBody.shape.expectedUpdatedAt, {
  description: "The `updatedAt` you read: 409 if the ticket changed since (no lost update between two agents).",
});
describe(updateTicketBody, { id: "UpdateTicketRequest" });
describe(addMessagesBody.shape.messages, {
  example: [{ role: "customer", content: "It happened again this morning." }],
});
describe(addMessagesBody.shape.notifyCustomer, {
  description:
    "Extension, email tickets: whether the `agent` messages of this call are emailed to the customer (default true). `false` keeps them on the ticket only (an internal note).",
});
describe(addMessagesBody, { id: "AddMessagesRequest" });
describe(retryNotificationBody, { id: "RetryNotificationRequest" });
