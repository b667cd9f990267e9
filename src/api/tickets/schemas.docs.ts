// Build time only; the worker never imports this module. The response schemas, which only the
// OpenAPI document reads (the handlers build their answers, typed by their queries), and what the
// document says about the request schemas (`describe`: ids, descriptions, examples).
import * as z from "zod/mini";
import {
  ASSIGNEE_SOURCES,
  CATEGORIZATION_STATES,
  CATEGORY_SOURCES,
  CHANNELS,
  NOTIFICATION_STATES,
  PRIORITIES,
  TICKET_STATUSES,
} from "../../db/schema";
import { createTicketBody, listTicketsQuery, messageSchema } from "./schemas";
import { describe } from "../common.docs";

export const createTicketResponse = z
  .object({
    success: z.literal(true),
    ticketId: z.string(),
    message: z.string().register(z.globalRegistry, { example: "Ticket created successfully" }),
  })
  .register(z.globalRegistry, { id: "CreateTicketResponse" });

export const attachmentSchema = z
  .object({
    id: z.string().register(z.globalRegistry, { description: "Download it with getAttachment." }),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().check(z.int()).register(z.globalRegistry, { description: "Bytes." }),
  })
  .register(z.globalRegistry, { id: "Attachment" });

/** A stored message: what was sent, plus for email messages the sender and the attachments. */
export const storedMessageSchema = z
  .extend(messageSchema, {
    from: z.optional(z.string()).register(z.globalRegistry, { description: "Extension, email messages: the sender's address." }),
    attachments: z
      .optional(z.array(attachmentSchema))
      .register(z.globalRegistry, { description: "Extension, email messages: the files that came with it (absent when none)." }),
  })
  .register(z.globalRegistry, { id: "TicketMessage" });

export const ticketSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.nullable(z.string()),
    priority: z.enum(PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    category: z.nullable(z.string()),
    categorySource: z.nullable(z.enum(CATEGORY_SOURCES)),
    categoryConfidence: z.nullable(z.number().check(z.gte(0), z.lte(1))).register(z.globalRegistry, {
      description:
        "Extension: when the built-in classifier chose the category (categorySource `fallback`), its probability for it " +
        "among the organization's categories (0..1); null for a category from the request, set by hand, or chosen by Workers AI.",
      example: 0.87,
    }),
    assignee: z.nullable(z.string()),
    assigneeSource: z.nullable(z.enum(ASSIGNEE_SOURCES)).register(z.globalRegistry, {
      description: "rule: set by a routing rule; manual: set through updateTicket (routing never overrides it).",
    }),
    channel: z.enum(CHANNELS).register(z.globalRegistry, {
      description: "Extension: where the ticket came from: `api` (createTicket) or `email` (mail to a support address).",
    }),
    customer: z.object({ id: z.string(), email: z.string(), name: z.string() }),
    device: z.nullable(z.object({ id: z.string(), identifier: z.string(), type: z.nullable(z.string()) })),
    messages: z.array(storedMessageSchema),
    processing: z.object({
      categorization: z.enum(CATEGORIZATION_STATES),
      notification: z.enum(NOTIFICATION_STATES),
      notificationError: z.nullable(z.string()).register(z.globalRegistry, {
        description:
          "Extension: why the ticket's Slack posts (the first notification, replies, status changes) are failing: the last " +
          "error of a post not sent yet (still retrying while `notification` is `pending`) or failed for good; null once they went out. " +
          "Failed posts can be retried with retryNotification.",
        example: "HTTP 404: no_service",
      }),
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: "Ticket" });

export type TicketView = z.infer<typeof ticketSchema>;

export const getTicketResponse = z
  .object({ success: z.literal(true), ticket: ticketSchema })
  .register(z.globalRegistry, { id: "GetTicketResponse" });

/** A listed ticket: everything but its messages, which getTicket returns, and their count. */
export const listedTicketSchema = z
  .extend(z.omit(ticketSchema, { messages: true }), {
    messageCount: z
      .number()
      .check(z.int())
      .register(z.globalRegistry, { description: "How many messages the ticket holds; getTicket returns them." }),
  })
  .register(z.globalRegistry, { id: "ListedTicket" });

export const listTicketsResponse = z
  .object({ success: z.literal(true), tickets: z.array(listedTicketSchema), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: "ListTicketsResponse" });

// What the document says about the request schemas (the worker validates with them, undescribed).
describe(createTicketBody.shape.title, { example: "Cannot log in" });
describe(createTicketBody.shape.description, {
  description: "If absent or blank and messages are given, a description is generated from the messages.",
});
describe(createTicketBody.shape.customerEmail, { example: "jane@example.com" });
describe(createTicketBody.shape.category, {
  description: "Name of an active ticket category (case-insensitive); otherwise the ticket is categorized asynchronously.",
});
describe(createTicketBody.shape.deviceIdentifier, {
  description:
    "Extension: the identifier of a device of this organization the ticket is about (404 if unknown); device-category routing rules apply.",
  example: "SN-12345-ABCDE",
});
// The body's refine (customerEmail or customerId), told to generated clients and fuzzers: at least
// one of the two is required. Each branch restates its property's type so client generators
// (openapi-typescript) give the branch a real type instead of `unknown`, which would swallow the
// whole body's type.
describe(createTicketBody, {
  id: "CreateTicketRequest",
  anyOf: [
    { type: "object", properties: { customerEmail: { type: "string", format: "email" } }, required: ["customerEmail"] },
    { type: "object", properties: { customerId: { type: "string", minLength: 1, maxLength: 64 } }, required: ["customerId"] },
  ],
});
describe(listTicketsQuery.shape.assignee, { description: "Exact assignee, e.g. @billing-team." });
describe(listTicketsQuery.shape.notification, {
  description: "Only tickets whose first Slack notification is in this state, e.g. `failed`.",
});
describe(listTicketsQuery.shape.categorization, { description: "Only tickets whose categorization is in this state." });
describe(listTicketsQuery.shape.updatedAfter, {
  description: "Only tickets changed after this instant (ISO-8601). Poll with the newest `updatedAt` you have seen to sync changes.",
  example: "2026-11-29T10:00:00.000Z",
});
