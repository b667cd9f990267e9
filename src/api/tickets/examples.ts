import type * as z from "zod/mini";
import type { createTicketBody } from "./schemas";

type Example = { summary: string; value: z.input<typeof createTicketBody> };

/**
 * The three request examples of Telemetron's createTicket documentation, in our OpenAPI document,
 * with names that exist in the demo organization `npm run dev` seeds, so /docs' Try it out works.
 */
export const createTicketExamples: Record<string, Example> = {
  customerEmail: {
    summary: "Create Ticket with Customer Email",
    value: {
      title: "Unable to access account",
      description: "I keep getting an error when trying to log in to my account.",
      priority: "high",
      customerEmail: "jane@example.com",
      category: "Technical",
    },
  },
  customerId: {
    summary: "Create Ticket with Customer ID",
    value: {
      title: "Billing question",
      description: "I was charged twice this month.",
      priority: "medium",
      // The demo customer that `npm run dev` seeds (scripts/seed-sql.mjs).
      customerId: "01936f00-0000-7000-8000-0000000000c1",
      category: "Billing",
    },
  },
  messages: {
    summary: "Create Ticket with Messages",
    value: {
      title: "Refund request from chat",
      priority: "low",
      customerEmail: "sam@example.com",
      messages: [
        { role: "customer", content: "Hi, I'd like a refund for my last order." },
        { role: "bot", content: "I can help with that. Could you share your order number?" },
        { role: "customer", content: "It's #48213." },
      ],
    },
  },
};
