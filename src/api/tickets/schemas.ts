import * as z from "zod";
import {
  ASSIGNEE_SOURCES,
  CATEGORIZATION_STATES,
  CATEGORY_SOURCES,
  MESSAGE_ROLES,
  NOTIFICATION_STATES,
  PRIORITIES,
  TICKET_STATUSES,
} from "../../db/schema";
import { instant, pageQuery } from "../common";

/** Documented input bounds; together they stay under the 1 MiB body limit's spirit. */
export const LIMITS = {
  title: 255,
  description: 20_000,
  messageContent: 10_000,
  messages: 100,
  category: 100,
  email: 254,
  deviceIdentifier: 255,
} as const;

/** A request's priority; a wrong one is named in the message (Telemetron: 400 "invalid priority"). */
export const priorityInput = z.enum(PRIORITIES, {
  error: (issue) => `Invalid priority ${JSON.stringify(issue.input)}: expected one of ${PRIORITIES.join(", ")}`,
});

export const messageSchema = z.object({
  role: z.enum(MESSAGE_ROLES),
  content: z.string().min(1).max(LIMITS.messageContent),
});

export const createTicketBody = z
  .object({
    title: z.string().trim().min(1, "title must not be blank").max(LIMITS.title).meta({ example: "Cannot log in" }),
    description: z.string().max(LIMITS.description).nullish().meta({
      description: "If absent or blank and messages are given, a description is generated from the messages.",
    }),
    priority: priorityInput.default("medium"),
    customerEmail: z.email().max(LIMITS.email).optional().meta({ example: "jane@example.com" }),
    customerId: z.string().min(1).max(64).optional(),
    category: z.string().trim().max(LIMITS.category).optional().meta({
      description: "Name of an active ticket category (case-insensitive); otherwise the ticket is categorized asynchronously.",
    }),
    messages: z.array(messageSchema).max(LIMITS.messages).optional(),
    deviceIdentifier: z.string().trim().min(1).max(LIMITS.deviceIdentifier).optional().meta({
      description:
        "Extension: the identifier of a device of this organization the ticket is about (404 if unknown); device-category routing rules apply.",
      example: "SN-12345-ABCDE",
    }),
  })
  .refine((b) => b.customerEmail !== undefined || b.customerId !== undefined, {
    path: ["customerEmail"],
    message: "customerEmail or customerId is required",
  })
  // The refine above, told to generated clients and fuzzers: at least one of the two is required.
  // Each branch restates its property's type so client generators (openapi-typescript) give the
  // branch a real type instead of `unknown`, which would swallow the whole body's type.
  .meta({
    id: "CreateTicketRequest",
    anyOf: [
      { type: "object", properties: { customerEmail: { type: "string", format: "email" } }, required: ["customerEmail"] },
      { type: "object", properties: { customerId: { type: "string", minLength: 1, maxLength: 64 } }, required: ["customerId"] },
    ],
  });

export type CreateTicketInput = z.infer<typeof createTicketBody>;

export const createTicketResponse = z
  .object({
    success: z.literal(true),
    ticketId: z.string(),
    message: z.string().meta({ example: "Ticket created successfully" }),
  })
  .meta({ id: "CreateTicketResponse" });

export const ticketSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    priority: z.enum(PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    category: z.string().nullable(),
    categorySource: z.enum(CATEGORY_SOURCES).nullable(),
    categoryConfidence: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .meta({
        description:
          "Extension: when the built-in classifier chose the category (categorySource `fallback`), its probability for it " +
          "among the organization's categories (0..1); null for a category from the request, set by hand, or chosen by Workers AI.",
        example: 0.87,
      }),
    assignee: z.string().nullable(),
    assigneeSource: z
      .enum(ASSIGNEE_SOURCES)
      .nullable()
      .meta({ description: "rule: set by a routing rule; manual: set through updateTicket (routing never overrides it)." }),
    customer: z.object({ id: z.string(), email: z.string(), name: z.string() }),
    device: z.object({ id: z.string(), identifier: z.string(), type: z.string().nullable() }).nullable(),
    messages: z.array(messageSchema),
    processing: z.object({
      categorization: z.enum(CATEGORIZATION_STATES),
      notification: z.enum(NOTIFICATION_STATES),
      notificationError: z
        .string()
        .nullable()
        .meta({
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
  .meta({ id: "Ticket" });

export type TicketView = z.infer<typeof ticketSchema>;

export const ticketIdParam = z.object({
  ticketId: z.string().min(1).max(64),
});

export const listTicketsQuery = pageQuery.extend({
  status: z.enum(TICKET_STATUSES).optional(),
  category: z.string().max(LIMITS.category).optional(),
  priority: z.enum(PRIORITIES).optional(),
  customerId: z.string().max(64).optional(),
  assignee: z.string().max(200).optional().meta({ description: "Exact assignee, e.g. @billing-team." }),
  notification: z
    .enum(NOTIFICATION_STATES)
    .optional()
    .meta({ description: "Only tickets whose first Slack notification is in this state, e.g. `failed`." }),
  categorization: z.enum(CATEGORIZATION_STATES).optional().meta({ description: "Only tickets whose categorization is in this state." }),
  updatedAfter: instant("updatedAfter").optional().meta({
    description: "Only tickets changed after this instant (ISO-8601). Poll with the newest `updatedAt` you have seen to sync changes.",
    example: "2026-11-29T10:00:00.000Z",
  }),
});

export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;

export const getTicketResponse = z.object({ success: z.literal(true), ticket: ticketSchema }).meta({ id: "GetTicketResponse" });

/** A listed ticket: everything but its messages, which getTicket returns, and their count. */
export const listedTicketSchema = ticketSchema
  .omit({ messages: true })
  .extend({ messageCount: z.number().int().meta({ description: "How many messages the ticket holds; getTicket returns them." }) })
  .meta({ id: "ListedTicket" });

export const listTicketsResponse = z
  .object({ success: z.literal(true), tickets: z.array(listedTicketSchema), nextCursor: z.string().nullable() })
  .meta({ id: "ListTicketsResponse" });
