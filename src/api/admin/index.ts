import { createDb, type Db } from "../../db/client";
import { REDRIVE_BATCH, redriveFailedJobs } from "../../db/job-retry";
import {
  addApiKey,
  categoryNames,
  createOrganization,
  getOrganization,
  listOrganizationsPage,
  mergeOrganizationPages,
  organizationCount,
  organizationExists,
  replaceCategories,
  replaceRoutingRules,
  revokeApiKey,
  shardSummary,
  updateOrganization,
} from "../../db/organizations";
import { namedBatch } from "../../db/batch";
import { conflictingAddresses, emailAddressesBatch, replaceEmailSettingsBatch } from "../../db/email-settings";
import { shardSchema } from "../../db/shard-schema";
import { DIRECTORY_SHARD, isShard, shardCount, shardD1, shardIndexes, shardNames } from "../../db/shards";
import type { Env } from "../../env";
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
  listShardsRoute,
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

/** Drizzle on a shard's primary, once the shard is known to have this worker's schema (503 otherwise). */
const shardDb = async (env: Env, shard: number) => {
  if (!(await shardSchema(env, shard)).ok) throw errors.shardUnavailable(shard);
  return createDb(shardD1(env, shard));
};

/**
 * Where a new organization goes: the shard asked for, or the one with the fewest organizations (the
 * lowest index on a tie) among the shards whose schema is current, counted on every shard at once:
 * one statement per shard, in parallel.
 */
const placement = async (env: Env, asked: number | undefined) => {
  if (asked !== undefined) {
    if (!isShard(env, asked)) {
      throw errors.invalidField("shard", `shard must be one of this deployment's shards, 0 to ${shardCount(env) - 1}`);
    }
    return asked;
  }
  // A shard whose schema is behind takes no new organization while others can.
  const usable = (await Promise.all(shardIndexes(env).map(async (shard) => ((await shardSchema(env, shard)).ok ? shard : -1)))).filter(
    (shard) => shard >= 0,
  );
  if (usable.length === 0) throw errors.shardUnavailable(0);
  const counts = await Promise.all(usable.map(async (shard) => organizationCount(await shardDb(env, shard))));
  return usable[counts.indexOf(Math.min(...counts))]!;
};

adminApi.openapi(createOrganizationRoute, async (c) => {
  const { shard: asked, ...body } = c.req.valid("json");
  checkWebhooks(c.env.SLACK_WEBHOOK_ALLOWED_ORIGINS, [["slackWebhookUrl", body.slackWebhookUrl]]);
  const shard = await placement(c.env, asked);
  return c.json(await createOrganization(await shardDb(c.env, shard), shard, body, nowIso()), 201);
});

adminApi.openapi(listOrganizationsRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) throw errors.invalidCursor();
  const pages = await Promise.all(
    shardIndexes(c.env).map(async (shard) => ({ shard, rows: await listOrganizationsPage(await shardDb(c.env, shard), limit, after) })),
  );
  return c.json(mergeOrganizationPages(pages, limit), 200);
});

adminApi.openapi(listShardsRoute, async (c) => {
  const names = shardNames(c.env);
  const shards = await Promise.all(
    names.map(async (binding, shard) => {
      const schema = await shardSchema(c.env, shard);
      const summary = schema.ok
        ? await shardSummary(shardD1(c.env, shard))
        : { organizations: null, tickets: null, approximateBytes: null, pages: null, pageSize: null };
      return { shard, binding, schemaCurrent: schema.ok, ...summary };
    }),
  );
  return c.json({ shards }, 200);
});

adminApi.openapi(getOrganizationRoute, async (c) => {
  const org = await getOrganization(c.var.db, c.req.valid("param").orgId);
  if (!org) throw errors.organizationNotFound();
  return c.json({ ...org, shard: c.var.shard }, 200);
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
    // The inbound addresses are unique across the deployment: shard 0's email_addresses is their
    // directory (its primary key makes a second claim fail), written first; the organization's own
    // shard keeps its copy (what its reads and its email jobs use) in the same batch as the settings.
    const directory = c.var.shard === DIRECTORY_SHARD ? null : await shardDb(c.env, DIRECTORY_SHARD);
    try {
      if (directory) await namedBatch(directory, emailAddressesBatch(directory, orgId, email, now));
      // One transaction: on shard 0 an address another organization owns rolls the whole update back.
      await namedBatch(db, {
        organization: updateOrganization(db, orgId, body, now),
        ...replaceEmailSettingsBatch(db, orgId, email, now, directory !== null),
      });
    } catch (err) {
      const taken = email ? await conflictingAddresses(directory ?? db, orgId, email.addresses) : [];
      if (taken.length === 0) throw err;
      throw errors.emailAddressTaken(taken[0]!);
    }
  }
  return c.json({ ...(await getOrganization(db, orgId))!, shard: c.var.shard }, 200);
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
    await enqueueJobs(c.env.JOBS, c.var.shard, jobs);
    retried += jobs.length;
    more = jobs.length === REDRIVE_BATCH;
    if (!more) break;
  }
  return c.json({ success: true as const, retried, more }, 200);
});
