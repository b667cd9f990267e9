import * as z from "zod/mini";
import { APPLIES_TO, JOB_KINDS, PRIORITIES } from "../../db/schema";
import { instant, pageQuery } from "../common";

export const webhookUrl = z.url().check(z.maxLength(2048));

export const orgIdParam = z.object({
  orgId: z.string().check(z.minLength(1), z.maxLength(64)),
});
export const keyIdParam = z.extend(orgIdParam, {
  keyId: z.string().check(z.minLength(1), z.maxLength(64)),
});

export const createOrganizationBody = z.object({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  slackWebhookUrl: z.optional(webhookUrl),
  /** The shard (index in D1_SHARDS) to place it on; by default the one with the fewest organizations. The handler checks it exists. */
  shard: z.optional(z.number().check(z.int(), z.nonnegative())),
});

/** At most this many inbound addresses per organization (the contract's bound). */
export const MAX_EMAIL_ADDRESSES = 10;

/** An inbound support address: stored lower-cased; a `+tag` is how replies find their ticket, so the address has none. */
export const supportAddress = z.email().check(
  z.maxLength(254),
  z.toLowerCase(),
  z.refine((a) => !a.split("@")[0]!.includes("+"), { message: "a support address must not contain a +tag" }),
);

/** The email channel of an organization (src/email/); null turns it off. */
export const emailSettingsInput = z.object({
  addresses: z.array(supportAddress).check(
    z.minLength(1),
    z.maxLength(MAX_EMAIL_ADDRESSES),
    z.superRefine((list, ctx) => {
      list.forEach((a, i) => {
        if (list.indexOf(a) !== i) ctx.addIssue({ code: "custom", path: [i], message: `duplicate address "${a}"` });
      });
    }),
  ),
  fromName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  autoAcknowledge: z.optional(z.boolean()),
});

export const updateOrganizationBody = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  slackWebhookUrl: z.optional(z.nullable(webhookUrl)),
  email: z.optional(z.nullable(emailSettingsInput)),
});

export const categoryInput = z
  .object({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    description: z.optional(z.string().check(z.maxLength(1000))),
    appliesTo: z._default(z.enum(APPLIES_TO), "any"),
    aiEnabled: z._default(z.boolean(), true),
    autoResolve: z._default(z.boolean(), false),
    active: z._default(z.boolean(), true),
  })
  .check(z.refine((c) => !c.autoResolve || c.aiEnabled, { path: ["autoResolve"], message: "autoResolve requires aiEnabled" }));

export const categoriesBody = z.array(categoryInput).check(
  z.maxLength(200),
  z.superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((c, i) => {
      const key = c.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate category name "${c.name}"` });
      seen.set(key, i);
    });
  }),
);

export const routingRuleInput = z.object({
  when: z
    .object({
      ticketCategory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
      customerCategory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
      deviceCategory: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
      priority: z.optional(z.enum(PRIORITIES)),
    })
    .check(z.refine((w) => Object.values(w).some((v) => v !== undefined), { message: "at least one condition is required" })),
  assignTo: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  slackWebhookUrl: z.optional(webhookUrl),
});

export const routingRulesBody = z.array(routingRuleInput).check(z.maxLength(200));

export const createApiKeyBody = z.object({
  label: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
});

export const listOrganizationsQuery = pageQuery;

export const retryJobsBody = z.object({
  kind: z.optional(z.enum(JOB_KINDS)),
  since: z.optional(instant("since")),
});
