import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { forgetShardSchemas, SCHEMA_MIGRATION } from "../../src/db/shard-schema";
import { countingD1, fetchWithEnv } from "../support/counting";
import { admin, call } from "../support/http";
import { createOrg } from "../support/orgs";
import { runCron, runQueue } from "../support/queue";
import { shardDb, withShardDb } from "../support/shards";
import { runWebhookQueue } from "../support/webhooks";

const LIST = "/api/ext-v1/ticket/listTickets";

/** Makes shard 2 look as if its newest migration was never applied (the record only: the tables stay). */
const fallBehind = async () => {
  await shardDb(2).prepare("delete from d1_migrations where name = ?").bind(SCHEMA_MIGRATION).run();
  forgetShardSchemas();
};

afterEach(async () => {
  await shardDb(2).prepare("insert or ignore into d1_migrations (name) values (?)").bind(SCHEMA_MIGRATION).run();
  forgetShardSchemas();
});

describe("a shard whose schema is behind", () => {
  it("SCHEMA_MIGRATION is drizzle/'s newest migration (move it forward with every new one)", () => {
    expect(env.TEST_MIGRATIONS.at(-1)!.name).toBe(SCHEMA_MIGRATION);
  });

  it("fails the health check with a clear line in the log, and its organizations get 503 while the others are served", async () => {
    const behind = await createOrg({ shard: 2 });
    const fine = await createOrg({ shard: 1 });
    await fallBehind();
    const logged = vi.spyOn(console, "error");

    const health = await call("GET", "/health");
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({
      success: false,
      code: "shard_unavailable",
      shardsBehind: [{ shard: 2, binding: "DB_2", applied: env.TEST_MIGRATIONS.at(-2)!.name, needed: SCHEMA_MIGRATION }],
    });
    expect(logged.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringContaining("D1 shard schema is behind this worker"));

    const refused = await call("GET", LIST, { key: behind.apiKey });
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual({
      success: false,
      code: "shard_unavailable",
      error: "Database shard 2 is being upgraded (its schema is behind this worker); retry later",
    });
    expect((await call("GET", `/admin/organizations/${behind.id}`, { headers: { authorization: "Bearer test-admin-token" } })).status).toBe(
      503,
    );
    expect((await call("GET", LIST, { key: fine.apiKey })).status).toBe(200);
  });

  it("its queue messages wait (retried), and the sweeper leaves it alone", async () => {
    await fallBehind();
    const result = await runQueue([{ jobId: "j", kind: "categorize", ticketId: "t", shard: 2 }]);
    expect(result.retryMessages).toEqual([{ msgId: "msg-0" }]);
    expect(result.delays["msg-0"]).toBe(60);
    const webhooks = await runWebhookQueue([{ type: "dispatch", organizationId: "org2_x", shard: 2 }]);
    expect(webhooks.retryMessages.map((m) => m.msgId)).toEqual(["wh-0"]);
    const logged = vi.spyOn(console, "log");
    await runCron(Date.now());
    const sweeps = logged.mock.calls.map((c) => JSON.parse(String(c[0]))).filter((l) => l.msg === "outbox sweep");
    expect(sweeps.map((l) => l.shard).sort()).toEqual([0, 1]);
  });

  it("takes no new organization by default while another shard can, and refuses one asked for", async () => {
    await fallBehind();
    const placed = [];
    for (let i = 0; i < 4; i++) placed.push((await admin("POST", "/admin/organizations", { name: `placed ${i}` })).json.shard);
    expect(placed).not.toContain(2);
    expect((await admin("POST", "/admin/organizations", { name: "asked", shard: 2 })).status).toBe(503);
  });

  it("is served again once migrated, without a deploy", async () => {
    const org = await createOrg({ shard: 2 });
    await fallBehind();
    expect((await call("GET", LIST, { key: org.apiKey })).status).toBe(503);
    await shardDb(2).prepare("insert into d1_migrations (name) values (?)").bind(SCHEMA_MIGRATION).run();
    // Asked again after RECHECK_BEHIND_MS (30 s); here the isolate forgets instead of waiting.
    forgetShardSchemas();
    expect((await call("GET", LIST, { key: org.apiKey })).status).toBe(200);
    expect((await call("GET", "/health")).status).toBe(200);
  });
});

describe("the check is cheap", () => {
  it("costs one query per shard per isolate, on the shard's first request only", async () => {
    const org = await createOrg({ shard: 1 });
    forgetShardSchemas();
    const first = countingD1(shardDb(1));
    await fetchWithEnv(
      new Request(`https://ticket-intake.test${LIST}`, { headers: { "x-api-key": org.apiKey } }),
      withShardDb(1, first.binding),
    );
    const later = countingD1(shardDb(1));
    for (let i = 0; i < 5; i++) {
      await fetchWithEnv(
        new Request(`https://ticket-intake.test${LIST}`, { headers: { "x-api-key": org.apiKey } }),
        withShardDb(1, later.binding),
      );
    }
    expect(first.counts.roundTrips).toBe(2);
    expect(later.counts.roundTrips).toBe(5);
  });
});
