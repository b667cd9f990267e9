import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1, countingQueue, createUndispatched, fetchWithEnv } from "../support/counting";
import { call, jsonPost } from "../support/http";
import { createOrg as createAnyOrg } from "../support/orgs";
import { ALL_SHARDS, shardDb, withShardDb } from "../support/shards";

const createTicket = (apiKey: string, body: unknown) => jsonPost("/api/ext-v1/ticket/createTicket", apiKey, body);

// Every test below runs once per shard: the shard comes from the key's prefix, never from a lookup.
describe.each(ALL_SHARDS)("on shard %i", (shard) => {
  const createOrg = () => createAnyOrg({ shard });

  /** The request through counting bindings of this shard's database and the jobs queue. */
  const measure = async (apiKey: string, body: unknown) => {
    const d1 = countingD1(shardDb(shard));
    const queue = countingQueue(env.JOBS);
    const res = await fetchWithEnv(createTicket(apiKey, body), { ...withShardDb(shard, d1.binding), JOBS: queue.binding });
    return { status: res.status, json: (await res.json()) as any, d1: d1.counts, queue: queue.counts };
  };

  describe("createTicket costs one D1 round trip and one queue send", () => {
    it("email path, new customer", async () => {
      const org = await createOrg();
      const m = await measure(org.apiKey, { title: "First", customerEmail: "new@example.com" });
      expect(m.status).toBe(200);
      expect(m.d1.roundTrips).toBe(1);
      expect(m.queue).toEqual({ sendCalls: 1, messages: 1 });
    });

    it("email path, existing customer", async () => {
      const org = await createOrg();
      await call("POST", "/api/ext-v1/ticket/createTicket", { key: org.apiKey, body: { title: "a", customerEmail: "x@example.com" } });
      const m = await measure(org.apiKey, { title: "Second", customerEmail: "X@Example.com" });
      expect(m.status).toBe(200);
      expect(m.d1.roundTrips).toBe(1);
      expect(m.queue.sendCalls).toBe(1);
    });

    it("id path", async () => {
      const org = await createOrg();
      const first = await call("POST", "/api/ext-v1/ticket/createTicket", {
        key: org.apiKey,
        body: { title: "a", customerEmail: "id@example.com" },
      });
      const got = await call("GET", `/api/ext-v1/ticket/getTicket/${first.json.ticketId}`, { key: org.apiKey });
      const m = await measure(org.apiKey, { title: "By id", customerId: got.json.ticket.customer.id, priority: "urgent" });
      expect(m.status).toBe(200);
      expect(m.d1.roundTrips).toBe(1);
      expect(m.queue.sendCalls).toBe(1);
    });

    it("messages path, with a requested category", async () => {
      const org = await createOrg();
      const messages = Array.from({ length: 30 }, (_, i) => ({ role: i % 2 ? "agent" : "customer", content: `message ${i}` }));
      const m = await measure(org.apiKey, { title: "Chat", customerEmail: "chat@example.com", category: "none-such", messages });
      expect(m.status).toBe(200);
      expect(m.d1.roundTrips).toBe(1);
      expect(m.queue.sendCalls).toBe(1);
      const stored = await shardDb(shard)
        .prepare("select count(*) as n from ticket_messages where ticket_id = ?")
        .bind(m.json.ticketId)
        .first<{ n: number }>();
      expect(stored?.n).toBe(30);
    });

    it("an unknown key also costs one round trip and sends nothing", async () => {
      const m = await measure(`tik${shard}_nobody`, { title: "x", customerEmail: "a@example.com" });
      expect(m.status).toBe(401);
      expect(m.d1.roundTrips).toBe(1);
      expect(m.queue.sendCalls).toBe(0);
    });
  });

  /** One request through a counting D1 binding: its status and how many round trips it cost. */
  const cost = async (path: string, apiKey: string, body: unknown) => {
    const d1 = countingD1(shardDb(shard));
    const res = await fetchWithEnv(jsonPost(path, apiKey, body), withShardDb(shard, d1.binding));
    return { status: res.status, roundTrips: d1.counts.roundTrips };
  };

  describe("every Telemetron write costs one D1 round trip, authentication included", () => {
    const A = "/api/ext-v1";
    // In order, each building on the state the previous ones left.
    const calls: [string, unknown][] = [
      [`${A}/customer/createOrUpdateCustomer`, { name: "John Doe", email: "john.doe@example.com", address: "123 Main St" }],
      [`${A}/device`, { identifier: "sensor-001", type: "sensor", properties: { location: "Building A" } }],
      [`${A}/device`, { identifier: "sensor-001", properties: { location: "Building B" } }],
      [`${A}/device/bulk-metadata`, { devices: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`SN-${i}`, { i }])) }],
      [
        `${A}/deviceAssignment/assignDeviceToOwners`,
        {
          deviceIdentifier: "SN-12345",
          customerEmails: ["a@example.com", "b@example.com"],
          autoCreateDevice: true,
          deviceType: "Thermostat",
        },
      ],
      [
        `${A}/deviceAssignment/assignDevicesToOwner`,
        {
          customerEmail: "a@example.com",
          deviceIdentifiers: ["SN-12345", "sensor-001", "SN-NEW"],
          autoCreateDevices: true,
          deviceType: "sensor",
        },
      ],
      [`${A}/deviceAssignment/unassignDeviceFromOwner`, { deviceIdentifier: "SN-NEW", customerEmail: "a@example.com" }],
      [`${A}/deviceAssignment/unassignDevicesFromOwner`, { customerEmail: "a@example.com", deviceIdentifiers: ["SN-12345", "sensor-001"] }],
    ];

    it("on success", async () => {
      const org = await createOrg();
      for (const [path, body] of calls) {
        expect(await cost(path, org.apiKey, body), path).toEqual({ status: 200, roundTrips: 1 });
      }
      const customer = await call("POST", `${A}/customer/queryCustomer`, { key: org.apiKey, body: { email: "john.doe@example.com" } });
      const update = { telemetronCustomerId: customer.json.id, email: "john.doe@example.com", name: "John Doe Updated" };
      expect(await cost(`${A}/customer/createOrUpdateCustomer`, org.apiKey, update)).toEqual({ status: 200, roundTrips: 1 });
    });

    it("for an unknown key", async () => {
      for (const [path, body] of calls) {
        expect(await cost(path, shard === 0 ? "tlm_nobody" : `tik${shard}_nobody`, body), path).toEqual({ status: 401, roundTrips: 1 });
      }
    });

    it("a ticket about a device", async () => {
      const org = await createOrg();
      await call("POST", `${A}/device`, { key: org.apiKey, body: { identifier: "SN-1", type: "sensor" } });
      expect(
        await cost(`${A}/ticket/createTicket`, org.apiKey, { title: "t", customerEmail: "x@example.com", deviceIdentifier: "SN-1" }),
      ).toEqual({ status: 200, roundTrips: 1 });
    });
  });

  describe("retryNotification costs one D1 round trip and one queue send", () => {
    it("for a ticket whose first notification failed", async () => {
      const org = await createOrg();
      const created = await createUndispatched(org.apiKey, { title: "t", customerEmail: "x@example.com" });
      const ticketId = created.json.ticketId;
      await shardDb(shard).prepare("update jobs set status = 'failed' where ticket_id = ? and kind = 'notify'").bind(ticketId).run();
      const d1 = countingD1(shardDb(shard));
      const queue = countingQueue(env.JOBS);
      const res = await fetchWithEnv(jsonPost("/api/ext-v1/ticket/retryNotification", org.apiKey, { ticketId }), {
        ...withShardDb(shard, d1.binding),
        JOBS: queue.binding,
      });
      expect(res.status).toBe(200);
      expect(d1.counts.roundTrips).toBe(1);
      expect(queue.counts).toEqual({ sendCalls: 1, messages: 1 });
    });
  });
});
