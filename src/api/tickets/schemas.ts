import * as z from "zod/mini";
import { CATEGORIZATION_STATES, MESSAGE_ROLES, NOTIFICATION_STATES, PRIORITIES, TICKET_STATUSES } from "../../db/schema";
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
  content: z.string().check(z.minLength(1), z.maxLength(LIMITS.messageContent)),
});

export const createTicketBody = z
  .object({
    title: z
      .string()
      .check(z.trim(), z.minLength(1, "title must not be blank"), z.maxLength(LIMITS.title))
      .register(z.globalRegistry, { example: "Cannot log in" }),
    description: z.nullish(z.string().check(z.maxLength(LIMITS.description))).register(z.globalRegistry, {
      description: "If absent or blank and messages are given, a description is generated from the messages.",
    }),
    priority: z._default(priorityInput, "medium"),
    customerEmail: z.optional(z.email().check(z.maxLength(LIMITS.email))).register(z.globalRegistry, { example: "jane@example.com" }),
    customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    category: z.optional(z.string().check(z.trim(), z.maxLength(LIMITS.category))).register(z.globalRegistry, {
      description: "Name of an active ticket category (case-insensitive); otherwise the ticket is categorized asynchronously.",
    }),
    messages: z.optional(z.array(messageSchema).check(z.maxLength(LIMITS.messages))),
    deviceIdentifier: z
      .optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.deviceIdentifier)))
      .register(z.globalRegistry, {
        description:
          "Extension: the identifier of a device of this organization the ticket is about (404 if unknown); device-category routing rules apply.",
        example: "SN-12345-ABCDE",
      }),
  })
  .check(
    z.refine((b) => b.customerEmail !== undefined || b.customerId !== undefined, {
      path: ["customerEmail"],
      message: "customerEmail or customerId is required",
    }),
  )
  // The refine above, told to generated clients and fuzzers: at least one of the two is required.
  // Each branch restates its property's type so client generators (openapi-typescript) give the
  // branch a real type instead of `unknown`, which would swallow the whole body's type.
  .register(z.globalRegistry, {
    id: "CreateTicketRequest",
    anyOf: [
      { type: "object", properties: { customerEmail: { type: "string", format: "email" } }, required: ["customerEmail"] },
      { type: "object", properties: { customerId: { type: "string", minLength: 1, maxLength: 64 } }, required: ["customerId"] },
    ],
  });

export type CreateTicketInput = z.infer<typeof createTicketBody>;

export const ticketIdParam = z.object({
  ticketId: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const listTicketsQuery = z.extend(pageQuery, {
  status: z.optional(z.enum(TICKET_STATUSES)),
  category: z.optional(z.string().check(z.maxLength(LIMITS.category))),
  priority: z.optional(z.enum(PRIORITIES)),
  customerId: z.optional(z.string().check(z.maxLength(64))),
  assignee: z
    .optional(z.string().check(z.maxLength(200)))
    .register(z.globalRegistry, { description: "Exact assignee, e.g. @billing-team." }),
  notification: z
    .optional(z.enum(NOTIFICATION_STATES))
    .register(z.globalRegistry, { description: "Only tickets whose first Slack notification is in this state, e.g. `failed`." }),
  categorization: z
    .optional(z.enum(CATEGORIZATION_STATES))
    .register(z.globalRegistry, { description: "Only tickets whose categorization is in this state." }),
  updatedAfter: z.optional(instant("updatedAfter")).register(z.globalRegistry, {
    description: "Only tickets changed after this instant (ISO-8601). Poll with the newest `updatedAt` you have seen to sync changes.",
    example: "2026-11-29T10:00:00.000Z",
  }),
});

export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;
