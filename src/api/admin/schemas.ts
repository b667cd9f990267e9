import * as z from "zod";
import { APPLIES_TO, JOB_KINDS, PRIORITIES } from "../../db/schema";
import { instant, pageQuery } from "../common";

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
  rule: z
    .number()
    .int()
    .min(1)
    .meta({ description: "The rule that can never match, by its position in the request (1-based: the first rule is 1)." }),
  shadowedBy: z
    .number()
    .int()
    .min(1)
    .meta({ description: "The earlier, broader rule that matches every ticket it would, by its 1-based position." }),
  message: z.string().meta({
    example:
      "Rule 2 (ticketCategory = Billing AND priority = urgent → @billing-oncall) can never match: rule 1 (ticketCategory = Billing → @billing) comes first and matches every ticket it would. Move the more specific rule higher.",
  }),
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
    apiKeys: z.array(
      z.object({
        id: z.string(),
        prefix: z.string(),
        label: z.string().nullable(),
        createdAt: z.string(),
        revokedAt: z.string().nullable(),
      }),
    ),
    categories: z.array(categorySchema),
    routingRules: z.array(routingRuleSchema),
  })
  .meta({ id: "Organization" });

export const createdOrganizationSchema = z
  .object({ id: z.string(), name: z.string(), apiKey: z.string().meta({ description: "Shown once; store it now." }) })
  .meta({ id: "CreatedOrganization" });

export const createApiKeyBody = z
  .object({
    label: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "Your name for the key, shown in listings: which client holds it.", example: "zapier" }),
  })
  .meta({ id: "CreateApiKeyRequest" });

export const createdKeySchema = z
  .object({ id: z.string(), apiKey: z.string().meta({ description: "Shown once; store it now." }), label: z.string().nullable() })
  .meta({ id: "CreatedApiKey" });

export const listOrganizationsQuery = pageQuery;

export const listedOrganizationSchema = organizationSchema
  .pick({ id: true, name: true, slackWebhookUrl: true, createdAt: true, updatedAt: true })
  .extend({
    keyCount: z.number().int().meta({ description: "Live (not revoked) API keys." }),
    revokedKeyCount: z.number().int().meta({ description: "Revoked API keys." }),
  })
  .meta({ id: "ListedOrganization" });

export const listOrganizationsResponse = z
  .object({ organizations: z.array(listedOrganizationSchema), nextCursor: z.string().nullable() })
  .meta({ id: "ListOrganizationsResponse" });

export const retryJobsBody = z
  .object({
    kind: z.enum(JOB_KINDS).optional().meta({ description: "Only jobs of this kind; all kinds when absent." }),
    since: instant("since").optional().meta({
      description: "Only jobs that failed at or after this instant (ISO-8601).",
      example: "2026-11-29T10:00:00.000Z",
    }),
  })
  .meta({ id: "RetryJobsRequest" });

export const retryJobsResponse = z
  .object({
    success: z.literal(true),
    retried: z.number().int().meta({ description: "Failed jobs handed back to the queue by this call." }),
    more: z.boolean().meta({ description: "True when failed jobs are left (the call re-drives a bounded number); call again." }),
  })
  .meta({ id: "RetryJobsResponse" });
