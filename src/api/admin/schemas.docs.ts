// Build time only; the worker never imports this module. The response schemas, which only the
// OpenAPI document reads (the handlers build their answers, typed by their queries), and what the
// document says about the request schemas (`describe`: ids, descriptions, examples).
import * as z from "zod/mini";
import { APPLIES_TO } from "../../db/schema";
import {
  categoriesBody,
  categoryInput,
  createApiKeyBody,
  createOrganizationBody,
  emailSettingsInput,
  retryJobsBody,
  routingRuleInput,
  routingRulesBody,
  updateOrganizationBody,
  webhookUrl,
} from "./schemas";
import { describe } from "../common.docs";

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

const shardField = z.number().check(z.int(), z.nonnegative()).register(z.globalRegistry, {
  description:
    "The D1 shard holding every row of the organization (an index into the worker's D1_SHARDS). Its API keys start `tik<shard>_` and its id `org<shard>_`; ids and keys from before sharding are shard 0.",
  example: 1,
});

export const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    shard: shardField,
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
    email: z
      .nullable(
        z.object({
          addresses: z.array(z.string()),
          fromName: z
            .nullable(z.string())
            .register(z.globalRegistry, { description: "Replies are sent under this name; null: the organization's name." }),
          autoAcknowledge: z.boolean(),
        }),
      )
      .register(z.globalRegistry, { description: "The email channel; null while the organization has no support address." }),
    categories: z.array(categorySchema),
    routingRules: z.array(routingRuleSchema),
  })
  .register(z.globalRegistry, { id: "Organization" });

export const createdOrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    shard: shardField,
    apiKey: z.string().register(z.globalRegistry, { description: "Shown once; store it now." }),
  })
  .register(z.globalRegistry, { id: "CreatedOrganization" });

export const createdKeySchema = z
  .object({
    id: z.string(),
    apiKey: z.string().register(z.globalRegistry, { description: "Shown once; store it now." }),
    label: z.nullable(z.string()),
  })
  .register(z.globalRegistry, { id: "CreatedApiKey" });

export const listedOrganizationSchema = z
  .extend(z.pick(organizationSchema, { id: true, name: true, shard: true, slackWebhookUrl: true, createdAt: true, updatedAt: true }), {
    keyCount: z.number().check(z.int()).register(z.globalRegistry, { description: "Live (not revoked) API keys." }),
    revokedKeyCount: z.number().check(z.int()).register(z.globalRegistry, { description: "Revoked API keys." }),
  })
  .register(z.globalRegistry, { id: "ListedOrganization" });

export const listOrganizationsResponse = z
  .object({ organizations: z.array(listedOrganizationSchema), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: "ListOrganizationsResponse" });

export const shardsResponse = z
  .object({
    shards: z.array(
      z.object({
        shard: z.number().check(z.int()),
        binding: z.string().register(z.globalRegistry, { description: "The D1 binding (D1_SHARDS)", example: "DB_1" }),
        schemaCurrent: z.boolean().register(z.globalRegistry, {
          description: "Whether its applied migrations reach this worker's; when false its organizations get 503 and the counts are null.",
        }),
        organizations: z.nullable(z.number().check(z.int())),
        tickets: z.nullable(z.number().check(z.int())),
        approximateBytes: z.nullable(z.number().check(z.int())).register(z.globalRegistry, {
          description:
            "The database file's size (pages × page size, free pages included) as D1 reports it with every result (`meta.size_after`; D1 refuses `PRAGMA page_count`). D1's limit is 10 GB per database.",
        }),
        pages: z.nullable(z.number().check(z.int())).register(z.globalRegistry, { description: "approximateBytes / pageSize" }),
        pageSize: z.nullable(z.number().check(z.int())).register(z.globalRegistry, { description: "PRAGMA page_size", example: 4096 }),
      }),
    ),
  })
  .register(z.globalRegistry, { id: "ShardsResponse" });

export const retryJobsResponse = z
  .object({
    success: z.literal(true),
    retried: z.number().check(z.int()).register(z.globalRegistry, { description: "Failed jobs handed back to the queue by this call." }),
    more: z
      .boolean()
      .register(z.globalRegistry, { description: "True when failed jobs are left (the call re-drives a bounded number); call again." }),
  })
  .register(z.globalRegistry, { id: "RetryJobsResponse" });

// What the document says about the request schemas (the worker validates with them, undescribed).
describe(webhookUrl, { example: "https://hooks.slack.com/services/T000/B000/XXXX" });
describe(createOrganizationBody, { id: "CreateOrganizationRequest" });
describe(emailSettingsInput.shape.addresses, {
  description:
    "Inbound support addresses (Email Routing delivers them to this worker), stored lower-cased; each belongs to one organization. The first is the address replies are sent from.",
  example: ["support@acme.example"],
});
describe(emailSettingsInput.shape.fromName, { description: "The display name of replies; the organization's name when absent." });
describe(emailSettingsInput.shape.autoAcknowledge, {
  description: "Whether a new email ticket gets one acknowledgement email (default true).",
});
describe(emailSettingsInput, { id: "EmailSettings", description: "The email channel; `null` turns it off (the addresses are freed)." });
describe(createOrganizationBody.shape.shard, {
  description:
    "The D1 shard to place the organization on (0 … the number of shards − 1). By default the shard with the fewest organizations. It cannot change afterwards (ARCHITECTURE.md: moving an organization).",
});
describe(updateOrganizationBody, { id: "UpdateOrganizationRequest" });
// The refine on autoResolve, in JSON Schema: autoResolve is not true, or aiEnabled is true (absent,
// both branches hold: their defaults are false and true).
describe(categoryInput, {
  anyOf: [{ properties: { autoResolve: { const: false } } }, { properties: { aiEnabled: { const: true } } }],
});
describe(categoriesBody, { id: "CategoriesRequest" });
describe(routingRuleInput.shape.when, { minProperties: 1, description: "Conditions combined with AND; at least one." });
describe(routingRulesBody, { id: "RoutingRulesRequest" });
describe(createApiKeyBody.shape.label, {
  description: "Your name for the key, shown in listings: which client holds it.",
  example: "zapier",
});
describe(createApiKeyBody, { id: "CreateApiKeyRequest" });
describe(retryJobsBody.shape.kind, { description: "Only jobs of this kind; all kinds when absent." });
describe(retryJobsBody.shape.since, {
  description: "Only jobs that failed at or after this instant (ISO-8601).",
  example: "2026-11-29T10:00:00.000Z",
});
describe(retryJobsBody, { id: "RetryJobsRequest" });
