import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { capturingQueue, countingD1, createUndispatched, fetchWithEnv } from "../support/counting";
import { jsonPost } from "../support/http";
import { createOrg, type TestOrg } from "../support/orgs";
import { withShardDb } from "../support/shards";
import { allShards } from "../support/tickets";
import { createEndpoint } from "../support/webhooks";

/** A write with the queues captured and D1 counted: its round trips, and what it sent on the webhooks queue. */
const counted = async (path: string, org: TestOrg, body: unknown) => {
  const d1 = countingD1(org.db);
  const jobs = capturingQueue(env.JOBS);
  const webhooks = capturingQueue(env.WEBHOOKS);
  const res = await fetchWithEnv(jsonPost(path, org.apiKey, body), {
    ...withShardDb(org.shard, d1.binding),
    JOBS: jobs.binding,
    WEBHOOKS: webhooks.binding,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return { roundTrips: d1.counts.roundTrips, webhookMessages: webhooks.messages, json: (await res.json()) as any };
};

describe("writes of an organization with webhook endpoints", () => {
  it("createTicket stays one D1 round trip and sends one dispatch message", async () => {
    const org = await createOrg();
    await createEndpoint(org, { url: "https://receiver.example.com/a" });
    await createEndpoint(org, { url: "https://receiver.example.com/b" });
    const res = await counted("/api/ext-v1/ticket/createTicket", org, { title: "t", customerEmail: "a@example.com" });
    expect(res.roundTrips).toBe(1);
    expect(res.webhookMessages).toEqual([{ type: "dispatch", organizationId: org.id, shard: org.shard }]);
    const rows = await allShards
      .prepare("select count(*) as n from webhook_deliveries d join ticket_events e on e.id = d.event_id where e.ticket_id = ?")
      .bind(res.json.ticketId)
      .first<{ n: number }>();
    expect(rows!.n).toBe(2);
  });

  it("createTicket sends nothing on the webhooks queue for an organization whose endpoints are all disabled", async () => {
    const org = await createOrg();
    const { endpoint } = await createEndpoint(org, { url: "https://receiver.example.com/a" });
    await allShards.prepare("update webhook_endpoints set enabled = 0 where id = ?").bind(endpoint.id).run();
    const res = await counted("/api/ext-v1/ticket/createTicket", org, { title: "t", customerEmail: "a@example.com" });
    expect(res.roundTrips).toBe(1);
    expect(res.webhookMessages).toEqual([]);
  });

  it("updateTicket and addMessages stay one D1 round trip and send one dispatch message each", async () => {
    const org = await createOrg();
    await createEndpoint(org, { url: "https://receiver.example.com/a" });
    const created = await createUndispatched(org.apiKey, { title: "t", customerEmail: "a@example.com" });
    const update = await counted("/api/ext-v1/ticket/updateTicket", org, { ticketId: created.json.ticketId, priority: "urgent" });
    expect(update.roundTrips).toBe(1);
    expect(update.webhookMessages).toEqual([{ type: "dispatch", organizationId: org.id, shard: org.shard }]);
    const added = await counted("/api/ext-v1/ticket/addMessages", org, {
      ticketId: created.json.ticketId,
      messages: [{ role: "agent", content: "hi" }],
    });
    expect(added.roundTrips).toBe(1);
    expect(added.webhookMessages).toEqual([{ type: "dispatch", organizationId: org.id, shard: org.shard }]);
  });
});
