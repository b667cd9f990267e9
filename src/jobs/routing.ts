import type { JobContext } from "../db/job-context";

type Rule = JobContext["rules"][number];

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The first rule whose every given condition holds: the ticket's category, one of the customer's
 * categories, the priority. Category names compare case-insensitively, as they are unique that way.
 */
export const firstMatchingRule = (
  rules: readonly Rule[],
  ticket: { category: string | null; customerCategories: readonly string[]; priority: string },
): Rule | undefined =>
  rules.find(({ when }) => {
    if (when.ticketCategory !== undefined && !(ticket.category && same(when.ticketCategory, ticket.category))) return false;
    if (when.customerCategory !== undefined && !ticket.customerCategories.some((c) => same(c, when.customerCategory!))) return false;
    if (when.priority !== undefined && when.priority !== ticket.priority) return false;
    return true;
  });

/** Where a ticket goes: the matched rule's assignee, and its webhook or else the organization's. */
export const routeTicket = (ctx: JobContext, category: string | null) => {
  const rule = firstMatchingRule(ctx.rules, {
    category,
    customerCategories: ctx.ticket.customerCategories,
    priority: ctx.ticket.priority,
  });
  return { assignee: rule?.assignTo ?? null, webhookUrl: rule?.slackWebhookUrl ?? ctx.ticket.orgWebhookUrl };
};
