import * as z from "zod/mini";
import { APPLIES_TO, JOB_KINDS, PRIORITIES } from "../../db/schema";
import { instant, pageQuery } from "../common";

const webhookUrl = z
  .url()
  .check(z.maxLength(2048))
  .register(z.globalRegistry, { example: "https://hooks.slack.com/services/T000/B000/XXXX" });

export const orgIdParam = z.object({
  orgId: z.string().check(z.minLength(1), z.maxLength(64)),
});
export const keyIdParam = z.extend(orgIdParam, {
  keyId: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const createOrganizationBody = z
  .object({ name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)), slackWebhookUrl: z.optional(webhookUrl) })
  .register(z.globalRegistry, { id: "CreateOrganizationRequest" });

export const updateOrganizationBody = z
  .object({
    name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
    slackWebhookUrl: z.optional(z.nullable(webhookUrl)),
  })
  .register(z.globalRegistry, { id: "UpdateOrganizationRequest" });

export const categoryInput = z
  .object({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    description: z.optional(z.string().check(z.maxLength(1000))),
    appliesTo: z._default(z.enum(APPLIES_TO), "any"),
    aiEnabled: z._default(z.boolean(), true),
    autoResolve: z._default(z.boolean(), false),
    active: z._default(z.boolean(), true),
  })
  .check(z.refine((c) => !c.autoResolve || c.aiEnabled, { path: ["autoResolve"], message: "autoResolve requires aiEnabled" }))
  // The refine above, in JSON Schema: autoResolve is not true, or aiEnabled is true (absent, both
  // branches hold: their defaults are false and true).
  .register(z.globalRegistry, {
    anyOf: [{ properties: { autoResolve: { const: false } } }, { properties: { aiEnabled: { const: true } } }],
  });

export const categoriesBody = z
  .array(categoryInput)
  .check(
    z.maxLength(200),
    z.superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((c, i) => {
        const key = c.name.toLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate category name "${c.name}"` });
        seen.set(key, i);
      });
    }),
  )
  .register(z.globalRegistry, { id: "CategoriesRequest" });

export const routingRuleInput = z.object({
  when: z
    .object({
      ticketCategory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
      customerCategory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
      deviceCategory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
      priority: z.optional(z.enum(PRIORITIES)),
    })
    .check(z.refine((w) => Object.values(w).some((v) => v !== undefined), { message: "at least one condition is required" }))
    .register(z.globalRegistry, { minProperties: 1, description: "Conditions combined with AND; at least one." }),
  assignTo: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  slackWebhookUrl: z.optional(webhookUrl),
});

export const routingRulesBody = z.array(routingRuleInput).check(z.maxLength(200)).register(z.globalRegistry, { id: "RoutingRulesRequest" });

export const categorySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.nullable(z.string()),
  appliesTo: z.enum(APPLIES_TO),
  aiEnabled: z.boolean(),
  autoResolve: z.boolean(),
  active: z.boolean(),
});

export const routingRuleSchema = z.object({
  when: routingRuleInput.shape.when,
  assignTo: z.string(),
  slackWebhookUrl: z.nullable(z.string()),
});

export const ruleWarningSchema = z.object({
  rule: z.number().check(z.int(), z.gte(1)).register(z.globalRegistry, {
    description: "The rule that can never match, by its position in the request (1-based: the first rule is 1).",
  }),
  shadowedBy: z
    .number()
    .check(z.int(), z.gte(1))
    .register(z.globalRegistry, { description: "The earlier, broader rule that matches every ticket it would, by its 1-based position." }),
  message: z.string().register(z.globalRegistry, {
    example:
      "Rule 2 (ticketCategory = Billing AND priority = urgent → @billing-oncall) can never match: rule 1 (ticketCategory = Billing → @billing) comes first and matches every ticket it would. Move the more specific rule higher.",
  }),
});

export const routingRulesResponse = z
  .object({
    success: z.literal(true),
    rules: z.array(routingRuleSchema),
    routingRules: z.array(routingRuleSchema).register(z.globalRegistry, { description: "Deprecated alias of `rules`." }),
    warnings: z.array(ruleWarningSchema),
  })
  .register(z.globalRegistry, { id: "RoutingRulesResponse" });

export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slackWebhookUrl: z.nullable(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    apiKeys: z.array(
      z.object({
        id: z.string(),
        prefix: z.string(),
        label: z.nullable(z.string()),
        createdAt: z.string(),
        revokedAt: z.nullable(z.string()),
      }),
    ),
    categories: z.array(categorySchema),
    routingRules: z.array(routingRuleSchema),
  })
  .register(z.globalRegistry, { id: "Organization" });

export const createdOrganizationSchema = z
  .object({ id: z.string(), name: z.string(), apiKey: z.string().register(z.globalRegistry, { description: "Shown once; store it now." }) })
  .register(z.globalRegistry, { id: "CreatedOrganization" });

export const createApiKeyBody = z
  .object({
    label: z
      .optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)))
      .register(z.globalRegistry, { description: "Your name for the key, shown in listings: which client holds it.", example: "zapier" }),
  })
  .register(z.globalRegistry, { id: "CreateApiKeyRequest" });

export const createdKeySchema = z
  .object({
    id: z.string(),
    apiKey: z.string().register(z.globalRegistry, { description: "Shown once; store it now." }),
    label: z.nullable(z.string()),
  })
  .register(z.globalRegistry, { id: "CreatedApiKey" });

export const listOrganizationsQuery = pageQuery;

export const listedOrganizationSchema = z
  .extend(z.pick(organizationSchema, { id: true, name: true, slackWebhookUrl: true, createdAt: true, updatedAt: true }), {
    keyCount: z.number().check(z.int()).register(z.globalRegistry, { description: "Live (not revoked) API keys." }),
    revokedKeyCount: z.number().check(z.int()).register(z.globalRegistry, { description: "Revoked API keys." }),
  })
  .register(z.globalRegistry, { id: "ListedOrganization" });

export const listOrganizationsResponse = z
  .object({ organizations: z.array(listedOrganizationSchema), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: "ListOrganizationsResponse" });

export const retryJobsBody = z
  .object({
    kind: z.optional(z.enum(JOB_KINDS)).register(z.globalRegistry, { description: "Only jobs of this kind; all kinds when absent." }),
    since: z.optional(instant("since")).register(z.globalRegistry, {
      description: "Only jobs that failed at or after this instant (ISO-8601).",
      example: "2026-11-29T10:00:00.000Z",
    }),
  })
  .register(z.globalRegistry, { id: "RetryJobsRequest" });

export const retryJobsResponse = z
  .object({
    success: z.literal(true),
    retried: z.number().check(z.int()).register(z.globalRegistry, { description: "Failed jobs handed back to the queue by this call." }),
    more: z
      .boolean()
      .register(z.globalRegistry, { description: "True when failed jobs are left (the call re-drives a bounded number); call again." }),
  })
  .register(z.globalRegistry, { id: "RetryJobsResponse" });
