import type { z } from "@hono/zod-openapi";
import type { createTicketBody } from "./schemas";

type Example = { summary: string; value: z.input<typeof createTicketBody> };

/** The three request examples of Telemetron's createTicket documentation, in our OpenAPI document. */
export const createTicketExamples: Record<string, Example> = {
  customerEmail: {
    summary: "Create Ticket with Customer Email",
    value: {
      title: "Unable to access account",
      description: "I keep getting an error when trying to log in to my account.",
      priority: "high",
      customerEmail: "jane@example.com",
      category: "Technical Support",
    },
  },
  customerId: {
    summary: "Create Ticket with Customer ID",
    value: {
      title: "Billing question",
      description: "I was charged twice this month.",
      priority: "medium",
      customerId: "0193f2a4-7c1e-7b3a-9f2d-5e8c1a6b4d20",
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
