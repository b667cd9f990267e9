import * as z from "zod";
import { APPLIES_TO, PRIORITIES } from "../../db/schema";

const webhookUrl = z.url().max(2048).meta({ example: "https://hooks.slack.com/services/T000/B000/XXXX" });

export const orgIdParam = z.object({
  orgId: z.string().min(1).max(64),
});
export const keyIdParam = orgIdParam.extend({
  keyId: z.string().min(1).max(64),
});

export const createOrganizationBody = z
  .object({ name: z.string().trim().min(1).max(200), slackWebhookUrl: webhookUrl.optional() })
  .meta({ id: "CreateOrganizationRequest" });

export const updateOrganizationBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), slackWebhookUrl: webhookUrl.nullable().optional() })
  .meta({ id: "UpdateOrganizationRequest" });

export const categoryInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).optional(),
    appliesTo: z.enum(APPLIES_TO).default("any"),
    aiEnabled: z.boolean().default(true),
    autoResolve: z.boolean().default(false),
    active: z.boolean().default(true),
  })
  .refine((c) => !c.autoResolve || c.aiEnabled, { path: ["autoResolve"], message: "autoResolve requires aiEnabled" })
  // The refine above, in JSON Schema: autoResolve is not true, or aiEnabled is true (absent, both
  // branches hold: their defaults are false and true).
  .meta({ anyOf: [{ properties: { autoResolve: { const: false } } }, { properties: { aiEnabled: { const: true } } }] });

export const categoriesBody = z
  .array(categoryInput)
  .max(200)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((c, i) => {
      const key = c.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate category name "${c.name}"` });
      seen.set(key, i);
    });
  })
  .meta({ id: "CategoriesRequest" });

export const routingRuleInput = z.object({
  when: z
    .object({
      ticketCategory: z.string().trim().min(1).max(100).optional(),
      customerCategory: z.string().trim().min(1).max(100).optional(),
      deviceCategory: z.string().trim().min(1).max(100).optional(),
      priority: z.enum(PRIORITIES).optional(),
    })
    .refine((w) => Object.values(w).some((v) => v !== undefined), { message: "at least one condition is required" })
    .meta({ minProperties: 1, description: "Conditions combined with AND; at least one." }),
  assignTo: z.string().trim().min(1).max(200),
  slackWebhookUrl: webhookUrl.optional(),
});

export const routingRulesBody = z.array(routingRuleInput).max(200).meta({ id: "RoutingRulesRequest" });

export const categorySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  appliesTo: z.enum(APPLIES_TO),
  aiEnabled: z.boolean(),
  autoResolve: z.boolean(),
  active: z.boolean(),
});

export const routingRuleSchema = z.object({
  when: routingRuleInput.shape.when,
  assignTo: z.string(),
  slackWebhookUrl: z.string().nullable(),
});

export const ruleWarningSchema = z.object({
  rule: z.number().int().meta({ description: "Position (0-based) of the rule that can never match." }),
  shadowedBy: z.number().int().meta({ description: "Position of the earlier, broader rule that matches every ticket it would." }),
  message: z.string(),
});

export const routingRulesResponse = z
  .object({
    success: z.literal(true),
    rules: z.array(routingRuleSchema),
    routingRules: z.array(routingRuleSchema).meta({ description: "Deprecated alias of `rules`." }),
    warnings: z.array(ruleWarningSchema),
  })
  .meta({ id: "RoutingRulesResponse" });

export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slackWebhookUrl: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    apiKeys: z.array(z.object({ id: z.string(), prefix: z.string(), createdAt: z.string(), revokedAt: z.string().nullable() })),
    categories: z.array(categorySchema),
    routingRules: z.array(routingRuleSchema),
  })
  .meta({ id: "Organization" });

export const createdOrganizationSchema = z
  .object({ id: z.string(), name: z.string(), apiKey: z.string().meta({ description: "Shown once; store it now." }) })
  .meta({ id: "CreatedOrganization" });

export const createdKeySchema = z.object({ id: z.string(), apiKey: z.string() }).meta({ id: "CreatedApiKey" });
