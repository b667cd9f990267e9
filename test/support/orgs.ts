import { admin } from "./http";

let counter = 0;

export type TestOrg = { id: string; apiKey: string };

/** A fresh organization through the operator API: tests in one file share D1, never an org. */
export const createOrg = async (opts: { name?: string; slackWebhookUrl?: string } = {}): Promise<TestOrg> => {
  const res = await admin("POST", "/admin/organizations", { name: opts.name ?? `Org ${++counter}`, ...opts });
  if (res.status !== 201) throw new Error(`createOrg failed: ${res.status} ${res.text}`);
  return { id: res.json.id, apiKey: res.json.apiKey };
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
