import * as z from "zod/mini";
import { CATEGORIZATION_STATES, CHANNELS, MESSAGE_ROLES, NOTIFICATION_STATES, PRIORITIES, TICKET_STATUSES } from "../../db/schema";
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
    title: z.string().check(z.trim(), z.minLength(1, "title must not be blank"), z.maxLength(LIMITS.title)),
    description: z.nullish(z.string().check(z.maxLength(LIMITS.description))),
    priority: z._default(priorityInput, "medium"),
    customerEmail: z.optional(z.email().check(z.maxLength(LIMITS.email))),
    customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    category: z.optional(z.string().check(z.trim(), z.maxLength(LIMITS.category))),
    messages: z.optional(z.array(messageSchema).check(z.maxLength(LIMITS.messages))),
    deviceIdentifier: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.deviceIdentifier))),
  })
  .check(
    z.refine((b) => b.customerEmail !== undefined || b.customerId !== undefined, {
      path: ["customerEmail"],
      message: "customerEmail or customerId is required",
    }),
  );

export type CreateTicketInput = z.infer<typeof createTicketBody>;

export const ticketIdParam = z.object({
  ticketId: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const attachmentIdParam = z.object({
  attachmentId: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const listTicketsQuery = z.extend(pageQuery, {
  status: z.optional(z.enum(TICKET_STATUSES)),
  category: z.optional(z.string().check(z.maxLength(LIMITS.category))),
  priority: z.optional(z.enum(PRIORITIES)),
  customerId: z.optional(z.string().check(z.maxLength(64))),
  assignee: z.optional(z.string().check(z.maxLength(200))),
  notification: z.optional(z.enum(NOTIFICATION_STATES)),
  categorization: z.optional(z.enum(CATEGORIZATION_STATES)),
  channel: z.optional(z.enum(CHANNELS)),
  updatedAfter: z.optional(instant("updatedAfter")),
});

export type ListTicketsQuery = z.infer<typeof listTicketsQuery>;
