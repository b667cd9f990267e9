import { describe, expect } from "vitest";
import { it } from "../support/fixtures";
import { fetchWithEnv } from "../support/counting";
import { admin, ADMIN_TOKEN, call } from "../support/http";
import { createOrg, setCategories } from "../support/orgs";

const paths = (json: { issues?: { path: string }[] }) => (json.issues ?? []).map((i) => i.path);

describe("operator API", () => {
  it("404 on every /admin path when ADMIN_TOKEN is not configured", async () => {
    const res = await fetchWithEnv(
      new Request("https://ticket-intake.test/admin/organizations", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "x" }),
      }),
      { ADMIN_TOKEN: undefined },
    );
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ success: false, error: "Not found", code: "not_found" });
  });

  it("401 for a missing or wrong token", async () => {
    expect((await call("POST", "/admin/organizations", { body: { name: "x" } })).status).toBe(401);
    const wrong = await call("GET", "/admin/organizations/x", { headers: { authorization: "Bearer wrong" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ success: false, error: "Invalid or missing admin token", code: "invalid_admin_token" });
    // An organization API key is not an admin token.
    const org = await createOrg();
    expect((await call("GET", `/admin/organizations/${org.id}`, { headers: { authorization: `Bearer ${org.apiKey}` } })).status).toBe(401);
  });

  const WEBHOOK = "https://hooks.slack.com/services/T1/B1/x";
  const acme = () => admin("POST", "/admin/organizations", { name: "Acme", slackWebhookUrl: WEBHOOK });

  it("creates an organization and shows its API key once", async () => {
    const created = await acme();
    expect(created.status).toBe(201);
    // Placed on a shard (here the one with the fewest organizations), which its id and key name.
    const { shard } = created.json;
    expect(created.json).toEqual({
      id: expect.stringMatching(new RegExp(`^org${shard}_[0-9a-f-]{36}$`)),
      name: "Acme",
      shard: expect.any(Number),
      apiKey: expect.stringMatching(new RegExp(`^tik${shard}_[A-Za-z0-9_-]{43}$`)),
    });
  });

  it("reads an organization with its keys (prefix only), categories and rules", async () => {
    const created = await acme();
    const read = await admin("GET", `/admin/organizations/${created.json.id}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual({
      id: created.json.id,
      name: "Acme",
      shard: created.json.shard,
      slackWebhookUrl: WEBHOOK,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      apiKeys: [
        { id: expect.any(String), prefix: created.json.apiKey.slice(0, 12), label: null, createdAt: expect.any(String), revokedAt: null },
      ],
      email: null,
      categories: [],
      routingRules: [],
    });
  });

  it("updates only the fields sent; null clears the webhook", async () => {
    const { id } = (await acme()).json;
    const renamed = await admin("PATCH", `/admin/organizations/${id}`, { name: "Acme Inc" });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: "Acme Inc", slackWebhookUrl: WEBHOOK });
    const cleared = await admin("PATCH", `/admin/organizations/${id}`, { slackWebhookUrl: null });
    expect(cleared.json).toMatchObject({ name: "Acme Inc", slackWebhookUrl: null });
  });

  it.each([
    ["GET", "/admin/organizations/missing", undefined],
    ["PATCH", "/admin/organizations/missing", { name: "x" }],
    ["POST", "/admin/organizations/missing/api-keys", undefined],
  ] as const)("404 for an organization that does not exist: %s %s", async (method, path, body) => {
    expect((await admin(method, path, body)).status).toBe(404);
  });

  it.each(["https://evil.example/hook", "https://hooks.slack.com.evil.example/x", "http://hooks.slack.com/services/x", "not a url"])(
    "refuses a Slack webhook outside SLACK_WEBHOOK_ALLOWED_ORIGINS on create: %s",
    async (url) => {
      const res = await admin("POST", "/admin/organizations", { name: "x", slackWebhookUrl: url });
      expect(res.status).toBe(400);
      expect(paths(res.json)).toEqual(["slackWebhookUrl"]);
    },
  );

  it("refuses a Slack webhook outside SLACK_WEBHOOK_ALLOWED_ORIGINS on update", async ({ org }) => {
    const patch = await admin("PATCH", `/admin/organizations/${org.id}`, { slackWebhookUrl: "https://evil.example/hook" });
    expect(patch.status).toBe(400);
    expect(paths(patch.json)).toEqual(["slackWebhookUrl"]);
  });

  it("400 for an invalid organization body", async () => {
    const res = await admin("POST", "/admin/organizations", { name: "  " });
    expect(res.status).toBe(400);
    expect(paths(res.json)).toEqual(["name"]);
  });

  it("replaces categories, with defaults and case-insensitive unique names", async () => {
    const org = await createOrg();
    const first = await setCategories(org.id, [
      { name: "Billing", description: "Money" },
      { name: "Spam", autoResolve: true },
    ]);
    expect(first).toEqual([
      {
        id: expect.any(String),
        name: "Billing",
        description: "Money",
        appliesTo: "any",
        aiEnabled: true,
        autoResolve: false,
        active: true,
      },
      { id: expect.any(String), name: "Spam", description: null, appliesTo: "any", aiEnabled: true, autoResolve: true, active: true },
    ]);
    const second = await setCategories(org.id, [{ name: "Tech", appliesTo: "ticket", active: false }]);
    expect(second.map((c: { name: string }) => c.name)).toEqual(["Tech"]);

    const dup = await admin("PUT", `/admin/organizations/${org.id}/categories`, [{ name: "Billing" }, { name: "billing" }]);
    expect(dup.status).toBe(400);
    expect(paths(dup.json)).toEqual(["1.name"]);
    const auto = await admin("PUT", `/admin/organizations/${org.id}/categories`, [{ name: "X", autoResolve: true, aiEnabled: false }]);
    expect(auto.status).toBe(400);
    expect(paths(auto.json)).toEqual(["0.autoResolve"]);
    const notArray = await admin("PUT", `/admin/organizations/${org.id}/categories`, { name: "X" });
    expect(notArray.status).toBe(400);
    expect((await admin("GET", `/admin/organizations/${org.id}`)).json.categories.map((c: { name: string }) => c.name)).toEqual(["Tech"]);
    expect((await admin("PUT", "/admin/organizations/missing/categories", [])).status).toBe(404);
  });

  it("replaces routing rules in order and validates them", async () => {
    const org = await createOrg();
    await setCategories(org.id, [{ name: "Billing" }, { name: "VIP", appliesTo: "customer" }]);
    const rules = [
      {
        when: { ticketCategory: "billing", customerCategory: "VIP" },
        assignTo: "@vip-billing",
        slackWebhookUrl: "https://hooks.slack.com/services/v",
      },
      { when: { priority: "urgent" }, assignTo: "@oncall" },
      { when: { ticketCategory: "Billing" }, assignTo: "@billing" },
    ];
    const res = await admin("PUT", `/admin/organizations/${org.id}/routing-rules`, rules);
    expect(res.status).toBe(200);
    expect(res.json.routingRules).toEqual([
      { ...rules[0], slackWebhookUrl: "https://hooks.slack.com/services/v" },
      { ...rules[1], slackWebhookUrl: null },
      { ...rules[2], slackWebhookUrl: null },
    ]);

    const bad = async (body: unknown) => {
      const r = await admin("PUT", `/admin/organizations/${org.id}/routing-rules`, body);
      expect(r.status).toBe(400);
      return paths(r.json);
    };
    expect(await bad([{ when: {}, assignTo: "x" }])).toEqual(["0.when"]);
    expect(await bad([{ when: { priority: "p0" }, assignTo: "x" }])).toEqual(["0.when.priority"]);
    expect(await bad([{ when: { priority: "low" }, assignTo: "" }])).toEqual(["0.assignTo"]);
    expect(await bad([{ when: { ticketCategory: "Nope" }, assignTo: "x" }])).toEqual(["0.when.ticketCategory"]);
    expect(await bad([{ when: { priority: "low" }, assignTo: "x", slackWebhookUrl: "https://evil.example/x" }])).toEqual([
      "0.slackWebhookUrl",
    ]);
    // A failed replace leaves the previous rules in place.
    expect((await admin("GET", `/admin/organizations/${org.id}`)).json.routingRules).toHaveLength(3);
    expect((await admin("PUT", `/admin/organizations/${org.id}/routing-rules`, [])).json.routingRules).toEqual([]);
  });

  describe("listing organizations", () => {
    it("lists every organization newest first, a page at a time, none skipped or repeated", async () => {
      const made = [await createOrg(), await createOrg(), await createOrg()].map((o) => o.id);
      const first = await admin("GET", "/admin/organizations?limit=2");
      expect(first.status, first.text).toBe(200);
      // Nothing is created after these three in this test, so they are the newest.
      expect(first.json.organizations.map((o) => o.id)).toEqual([made[2], made[1]]);
      const seen = [...first.json.organizations.map((o) => o.id)];
      let cursor = first.json.nextCursor;
      while (cursor) {
        const page = await admin("GET", `/admin/organizations?limit=2&cursor=${encodeURIComponent(cursor)}`);
        expect(page.status).toBe(200);
        seen.push(...page.json.organizations.map((o) => o.id));
        cursor = page.json.nextCursor;
      }
      expect(seen[2]).toBe(made[0]);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it("counts each organization's live and revoked keys, and shows no key, digest or prefix", async () => {
      const org = await createOrg({ name: "Counted" });
      const second = await admin("POST", `/admin/organizations/${org.id}/api-keys`);
      const third = await admin("POST", `/admin/organizations/${org.id}/api-keys`);
      expect((await admin("DELETE", `/admin/organizations/${org.id}/api-keys/${third.json.id}`)).status).toBe(204);
      const res = await admin("GET", "/admin/organizations?limit=1");
      expect(res.json.organizations).toEqual([
        {
          id: org.id,
          name: "Counted",
          shard: org.shard,
          slackWebhookUrl: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          keyCount: 2,
          revokedKeyCount: 1,
        },
      ]);
      for (const key of [org.apiKey, second.json.apiKey, third.json.apiKey]) expect(res.text).not.toContain(key.slice(0, 12));
    });

    it.each(["?cursor=not-a-cursor", "?limit=0", "?limit=101"])("400 for an invalid page request: %s", async (query) => {
      const res = await admin("GET", `/admin/organizations${query}`);
      expect(res.status).toBe(400);
      expect(paths(res.json)).toHaveLength(1);
    });

    it("401 without the admin token", async () => {
      expect((await call("GET", "/admin/organizations")).status).toBe(401);
    });
  });

  describe("API key labels", () => {
    it("stores a key's label and returns it on creation and in the organization's key list", async ({ org }) => {
      const created = await admin("POST", `/admin/organizations/${org.id}/api-keys`, { label: "  zapier " });
      expect(created.status, created.text).toBe(201);
      expect(created.json).toEqual({
        id: expect.any(String),
        apiKey: expect.stringMatching(new RegExp(`^tik${org.shard}_`)),
        label: "zapier",
      });
      const keys = (await admin("GET", `/admin/organizations/${org.id}`)).json.apiKeys;
      expect(keys.map((k) => [k.id, k.label])).toEqual([
        [expect.any(String), null],
        [created.json.id, "zapier"],
      ]);
    });

    it("creates an unlabelled key when the request has no body", async ({ org }) => {
      const created = await admin("POST", `/admin/organizations/${org.id}/api-keys`);
      expect(created.status).toBe(201);
      expect(created.json.label).toBeNull();
    });

    it.each([{ label: "" }, { label: "x".repeat(101) }, { label: 7 }])("400 for an invalid label: %j", async (body) => {
      const org = await createOrg();
      const res = await admin("POST", `/admin/organizations/${org.id}/api-keys`, body);
      expect(res.status).toBe(400);
      expect(paths(res.json)).toEqual(["label"]);
    });
  });

  // README "Operator API": the worked example, as printed there.
  it("the README's routing example: rule 2 is shadowed by rule 1 and named by those positions", async () => {
    const org = await createOrg();
    await setCategories(org.id, [
      { name: "Billing", description: "Invoices, payments, refunds, charges" },
      { name: "Technical", description: "Bugs, errors, crashes, login problems", appliesTo: "ticket" },
      { name: "Spam", description: "Advertising and promotions", appliesTo: "ticket", autoResolve: true },
      { name: "Enterprise", appliesTo: "customer", aiEnabled: false },
    ]);
    const res = await admin("PUT", `/admin/organizations/${org.id}/routing-rules`, [
      { when: { ticketCategory: "Billing" }, assignTo: "@billing" },
      { when: { ticketCategory: "Billing", priority: "urgent" }, assignTo: "@billing-oncall" },
      { when: { customerCategory: "Enterprise" }, assignTo: "@enterprise", slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/X" },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json.rules).toHaveLength(3);
    expect(res.json.warnings).toEqual([
      {
        rule: 2,
        shadowedBy: 1,
        message:
          "Rule 2 (ticketCategory = Billing AND priority = urgent → @billing-oncall) can never match: rule 1 (ticketCategory = Billing → @billing) comes first and matches every ticket it would. Move the more specific rule higher.",
      },
    ]);
  });
});
