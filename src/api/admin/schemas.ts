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

export const createApiKeyBody = z
  .object({
    label: z
      .optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)))
      .register(z.globalRegistry, { description: "Your name for the key, shown in listings: which client holds it.", example: "zapier" }),
  })
  .register(z.globalRegistry, { id: "CreateApiKeyRequest" });

export const listOrganizationsQuery = pageQuery;

export const retryJobsBody = z
  .object({
    kind: z.optional(z.enum(JOB_KINDS)).register(z.globalRegistry, { description: "Only jobs of this kind; all kinds when absent." }),
    since: z.optional(instant("since")).register(z.globalRegistry, {
      description: "Only jobs that failed at or after this instant (ISO-8601).",
      example: "2026-11-29T10:00:00.000Z",
    }),
  })
  .register(z.globalRegistry, { id: "RetryJobsRequest" });
