import { admin } from "./http";
import { SHARDS, shardDb } from "./shards";

let counter = 0;

export type TestOrg = { id: string; apiKey: string; shard: number; db: D1Database };

/**
 * A fresh organization through the operator API: tests in one file share D1, never an org. Without
 * `shard`, organizations go round the shards in turn (the first of a file on shard 0, the next on 1,
 * …), so every test file that creates a few runs on all three. `db` is its shard's binding.
 */
export const createOrg = async (opts: { name?: string; slackWebhookUrl?: string; shard?: number } = {}): Promise<TestOrg> => {
  const shard = opts.shard ?? counter % SHARDS;
  const res = await admin("POST", "/admin/organizations", { name: opts.name ?? `Org ${++counter}`, ...opts, shard });
  if (res.status !== 201) throw new Error(`createOrg failed: ${res.status} ${res.text}`);
  if (res.json.shard !== shard) throw new Error(`createOrg: asked for shard ${shard}, got ${res.json.shard}`);
  return { id: res.json.id, apiKey: res.json.apiKey, shard, db: shardDb(shard) };
};

export type CategorySpec = {
  name: string;
  description?: string;
  appliesTo?: "ticket" | "customer" | "device" | "any";
  aiEnabled?: boolean;
  autoResolve?: boolean;
  active?: boolean;
};

export const setCategories = async (orgId: string, categories: CategorySpec[]) => {
  const res = await admin("PUT", `/admin/organizations/${orgId}/categories`, categories);
  if (res.status !== 200) throw new Error(`setCategories failed: ${res.status} ${res.text}`);
  return res.json.categories;
};

export const setRoutingRules = async (orgId: string, rules: unknown[]) => {
  const res = await admin("PUT", `/admin/organizations/${orgId}/routing-rules`, rules);
  if (res.status !== 200) throw new Error(`setRoutingRules failed: ${res.status} ${res.text}`);
  return res.json.routingRules;
};
