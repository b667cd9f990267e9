import type { Db } from "../../db/client";
import { REDRIVE_BATCH, redriveFailedJobs } from "../../db/job-retry";
import {
  addApiKey,
  categoryNames,
  createOrganization,
  getOrganization,
  listOrganizations,
  organizationExists,
  replaceCategories,
  replaceRoutingRules,
  revokeApiKey,
  updateOrganization,
} from "../../db/organizations";
import { namedBatch } from "../../db/batch";
import { conflictingAddresses, replaceEmailSettingsBatch } from "../../db/email-settings";
import { decodeCursor } from "../../db/ticket-queries";
import { errors, type Issue } from "../../http/errors";
import { nowIso } from "../../lib/time";
import { enqueueJobs } from "../../jobs/enqueue";
import { shadowedRules } from "../../jobs/routing";
import { isAllowedWebhook } from "../../slack/allowed-origins";
import { createRouter } from "../router";
import {
  createApiKeyRoute,
  createOrganizationRoute,
  getOrganizationRoute,
  listOrganizationsRoute,
  putCategoriesRoute,
  putRoutingRulesRoute,
  retryJobsRoute,
  revokeApiKeyRoute,
  updateOrganizationRoute,
} from "./routes";

export const adminApi = createRouter();

/** Webhook URLs outside SLACK_WEBHOOK_ALLOWED_ORIGINS are refused (they would let a tenant make us call anything). */
const checkWebhooks = (allowed: string | undefined, urls: [path: string, url: string | null | undefined][]) => {
  const issues: Issue[] = urls
    .filter(([, url]) => url && !isAllowedWebhook(url, allowed))
    .map(([path]) => ({ path, message: `Slack webhook URL must start with one of: ${allowed ?? "https://hooks.slack.com"}` }));
  if (issues.length) throw errors.validationFailed(issues);
};

const requireOrganization = async (db: Db, orgId: string) => {
  if (!(await organizationExists(db, orgId))) throw errors.organizationNotFound();
};

adminApi.openapi(createOrganizationRoute, async (c) => {
  const body = c.req.valid("json");
  checkWebhooks(c.env.SLACK_WEBHOOK_ALLOWED_ORIGINS, [["slackWebhookUrl", body.slackWebhookUrl]]);
  return c.json(await createOrganization(c.var.db, body, nowIso()), 201);
});

adminApi.openapi(listOrganizationsRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) throw errors.invalidCursor();
  return c.json(await listOrganizations(c.var.db, limit, after), 200);
});

adminApi.openapi(getOrganizationRoute, async (c) => {
  const org = await getOrganization(c.var.db, c.req.valid("param").orgId);
  if (!org) throw errors.organizationNotFound();
  return c.json(org, 200);
});

adminApi.openapi(updateOrganizationRoute, async (c) => {
  const { orgId } = c.req.valid("param");
  const { email, ...body } = c.req.valid("json");
  checkWebhooks(c.env.SLACK_WEBHOOK_ALLOWED_ORIGINS, [["slackWebhookUrl", body.slackWebhookUrl]]);
  const { db } = c.var;
  const now = nowIso();
  if (email === undefined) {
    const updated = await updateOrganization(db, orgId, body, now);
    if (updated.length === 0) throw errors.organizationNotFound();
  } else {
    await requireOrganization(db, orgId);
    try {
      // One transaction: an address another organization owns rolls the whole update back.
      await namedBatch(db, { organization: updateOrganization(db, orgId, body, now), ...replaceEmailSettingsBatch(db, orgId, email, now) });
    } catch (err) {
      const taken = email ? await conflictingAddresses(db, orgId, email.addresses) : [];
      if (taken.length === 0) throw err;
      throw errors.emailAddressTaken(taken[0]!);
    }
  }
  return c.json((await getOrganization(db, orgId))!, 200);
});

adminApi.openapi(createApiKeyRoute, async (c) => {
  const { orgId } = c.req.valid("param");
  const { db } = c.var;
  await requireOrganization(db, orgId);
  return c.json(await addApiKey(db, orgId, c.req.valid("json").label ?? null, nowIso()), 201);
});

adminApi.openapi(revokeApiKeyRoute, async (c) => {
  const { orgId, keyId } = c.req.valid("param");
  if (!(await revokeApiKey(c.var.db, orgId, keyId, nowIso()))) throw errors.apiKeyNotFound();
  return c.body(null, 204);
});

adminApi.openapi(putCategoriesRoute, async (c) => {
  const { orgId } = c.req.valid("param");
  const { db } = c.var;
  await requireOrganization(db, orgId);
  await replaceCategories(db, orgId, c.req.valid("json"), nowIso());
  return c.json({ success: true as const, categories: (await getOrganization(db, orgId))!.categories }, 200);
});

adminApi.openapi(putRoutingRulesRoute, async (c) => {
  const { orgId } = c.req.valid("param");
  const rules = c.req.valid("json");
  checkWebhooks(
    c.env.SLACK_WEBHOOK_ALLOWED_ORIGINS,
    rules.map((r, i) => [`${i}.slackWebhookUrl`, r.slackWebhookUrl]),
  );
  const { db } = c.var;
  await requireOrganization(db, orgId);
  // Rules must name categories that exist, or they could never match.
  const known = new Set(await categoryNames(db, orgId));
  const unknown: Issue[] = rules.flatMap((r, i) =>
    (["ticketCategory", "customerCategory", "deviceCategory"] as const)
      .filter((k) => r.when[k] !== undefined && !known.has(r.when[k]!.toLowerCase()))
      .map((k) => ({ path: `${i}.when.${k}`, message: `unknown category "${r.when[k]}"` })),
  );
  if (unknown.length) throw errors.validationFailed(unknown);
  await replaceRoutingRules(db, orgId, rules, nowIso());
  const stored = (await getOrganization(db, orgId))!.routingRules;
  return c.json({ success: true as const, rules: stored, routingRules: stored, warnings: shadowedRules(rules) }, 200);
});

/** Rounds of retryJobs per call: a bounded request (two subrequests a round); `more` says when to call again. */
export const RETRY_ROUNDS = 20;

adminApi.openapi(retryJobsRoute, async (c) => {
  const { orgId } = c.req.valid("param");
  const { kind, since } = c.req.valid("json");
  const { db } = c.var;
  await requireOrganization(db, orgId);
  const filter = { kind, since: since && new Date(since).toISOString() };
  let retried = 0;
  let more = false;
  for (let round = 0; round < RETRY_ROUNDS; round++) {
    // One batch commits a round's jobs as pending before their one sendBatch; a lost send is re-sent by the sweeper.
    const jobs = await redriveFailedJobs(db, orgId, filter, nowIso());
    await enqueueJobs(c.env.JOBS, jobs);
    retried += jobs.length;
    more = jobs.length === REDRIVE_BATCH;
    if (!more) break;
  }
  return c.json({ success: true as const, retried, more }, 200);
});
