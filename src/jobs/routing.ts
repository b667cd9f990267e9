import type { RoutingContext, RoutingRuleRow } from "../db/job-context";
import type { RuleCondition } from "../db/schema";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The first rule whose every given condition holds: the ticket's category, one of the customer's
 * categories, one of the device's categories (a ticket without a device matches no device condition),
 * the priority. Category names compare case-insensitively, as they are unique that way.
 */
export const firstMatchingRule = (
  rules: readonly RoutingRuleRow[],
  ticket: { category: string | null; customerCategories: readonly string[]; deviceCategories: readonly string[]; priority: string },
): RoutingRuleRow | undefined =>
  rules.find(({ when }) => {
    if (when.ticketCategory !== undefined && !(ticket.category && same(when.ticketCategory, ticket.category))) return false;
    if (when.customerCategory !== undefined && !ticket.customerCategories.some((c) => same(c, when.customerCategory!))) return false;
    if (when.deviceCategory !== undefined && !ticket.deviceCategories.some((c) => same(c, when.deviceCategory!))) return false;
    if (when.priority !== undefined && when.priority !== ticket.priority) return false;
    return true;
  });

/** Where a ticket goes: the matched rule's assignee, and its webhook or else the organization's. */
export const routeTicket = (ctx: RoutingContext, category: string | null) => {
  const rule = firstMatchingRule(ctx.rules, {
    category,
    customerCategories: ctx.ticket.customerCategories,
    deviceCategories: ctx.ticket.deviceCategories,
    priority: ctx.ticket.priority,
  });
  return { assignee: rule?.assignTo ?? null, webhookUrl: rule?.slackWebhookUrl ?? ctx.ticket.orgWebhookUrl };
};

/** `rule` and `shadowedBy` are positions as the operator numbers the request's rules: 1-based. */
export type RuleWarning = { rule: number; shadowedBy: number; message: string };

const CONDITION_KEYS = ["ticketCategory", "customerCategory", "deviceCategory", "priority"] as const;

const describe = (when: RuleCondition) =>
  CONDITION_KEYS.filter((k) => when[k] !== undefined)
    .map((k) => `${k} = ${when[k]}`)
    .join(" AND ");

/**
 * Rules that can never match because an earlier rule is broader: every condition of the earlier
 * rule is also one of the later rule's (same value, names compared as `firstMatchingRule` does),
 * so any ticket the later rule would take, the earlier one takes first. Telemetron's dashboard
 * warns the same way; the advice is to move the specific rule higher.
 */
export const shadowedRules = (rules: readonly { when: RuleCondition; assignTo: string }[]): RuleWarning[] =>
  rules.flatMap((later, j) => {
    const i = rules.findIndex(
      (earlier, k) =>
        k < j &&
        CONDITION_KEYS.every((key) => {
          const value = earlier.when[key];
          const other = later.when[key];
          return value === undefined || (other !== undefined && same(value, other));
        }),
    );
    if (i < 0) return [];
    const [rule, shadowedBy] = [j + 1, i + 1];
    const message =
      `Rule ${rule} (${describe(later.when)} → ${later.assignTo}) can never match: rule ${shadowedBy} ` +
      `(${describe(rules[i]!.when)} → ${rules[i]!.assignTo}) comes first and matches every ticket it would. Move the more specific rule higher.`;
    return [{ rule, shadowedBy, message }];
  });
