import { describe, expect, it } from "vitest";
import { fetchWithEnv } from "../support/counting";
import { call } from "../support/http";
import { createOrg, type TestOrg } from "../support/orgs";
import { withShardDb } from "../support/shards";
import { createTicket } from "../support/tickets";

const BOOKMARK = /^[0-9a-f]+(-[0-9a-f]+){3}$/;

/**
 * The organization's shard binding with every `withSession` constraint recorded; `session` may stand in
 * for what a session does. `env`: the override that puts it in place of the shard's binding.
 */
const recordingDb = (org: TestOrg, session: (real: D1DatabaseSession, constraint?: string) => D1DatabaseSession = (real) => real) => {
  const constraints: (string | undefined)[] = [];
  const binding = new Proxy(org.db, {
    get(target, prop) {
      if (prop === "withSession") {
        return (constraint?: string) => {
          constraints.push(constraint);
          return session(target.withSession(constraint), constraint);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { binding, constraints, env: withShardDb(org.shard, binding) };
};

const request = (path: string, apiKey: string, init: { body?: unknown; bookmark?: string } = {}) =>
  new Request(`https://ticket-intake.test${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: {
      "x-api-key": apiKey,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.bookmark ? { "x-d1-bookmark": init.bookmark } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

describe("D1 sessions and the x-d1-bookmark header", () => {
  it("every ticket and customer endpoint returns a bookmark", async () => {
    const org = await createOrg();
    const ticket = await createTicket(org.apiKey, { title: "b", customerEmail: "b@example.com" });
    const customer = await call("POST", "/api/ext-v1/customer/createOrUpdateCustomer", {
      key: org.apiKey,
      body: { email: "c@example.com" },
    });
    const responses = [
      ticket,
      customer,
      await call("GET", `/api/ext-v1/ticket/getTicket/${ticket.json.ticketId}`, { key: org.apiKey }),
      await call("GET", "/api/ext-v1/ticket/listTickets", { key: org.apiKey }),
      await call("GET", `/api/ext-v1/customer/getCustomer/${customer.json.telemetronCustomerId}`, { key: org.apiKey }),
      await call("POST", "/api/ext-v1/customer/queryCustomer", { key: org.apiKey, body: { email: "c@example.com" } }),
    ];
    for (const res of responses) {
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("x-d1-bookmark")).toMatch(BOOKMARK);
    }
  });

  it("by default every read and write runs on the primary: revocation is immediate, reads see the writes", async () => {
    const org = await createOrg();
    const db = recordingDb(org);
    const created = await fetchWithEnv(
      request("/api/ext-v1/ticket/createTicket", org.apiKey, { body: { title: "s", customerEmail: "s@example.com" } }),
      db.env,
    );
    const { ticketId } = (await created.json()) as { ticketId: string };
    // A Telemetron client sends no bookmark, and reads the ticket it just created.
    const read = await fetchWithEnv(request(`/api/ext-v1/ticket/getTicket/${ticketId}`, org.apiKey), db.env);
    expect(read.status).toBe(200);
    await fetchWithEnv(request("/api/ext-v1/ticket/listTickets", org.apiKey), db.env);
    await fetchWithEnv(request("/api/ext-v1/customer/queryCustomer", org.apiKey, { body: { email: "s@example.com" } }), db.env);
    expect(db.constraints).toEqual(["first-primary", "first-primary", "first-primary", "first-primary"]);
  });

  it("a client opts into read replicas with first-unconstrained", async () => {
    const org = await createOrg();
    const db = recordingDb(org);
    const res = await fetchWithEnv(request("/api/ext-v1/ticket/listTickets", org.apiKey, { bookmark: "first-unconstrained" }), {
      ...db.env,
    });
    expect(res.status).toBe(200);
    expect(db.constraints).toEqual(["first-unconstrained"]);
  });

  it("writes run on the primary whatever bookmark the client sends", async () => {
    const org = await createOrg();
    const db = recordingDb(org);
    const body = { title: "w", customerEmail: "w@example.com" };
    for (const bookmark of ["first-unconstrained", "0000007b-0000b26e-00001538-0c3e"]) {
      expect((await fetchWithEnv(request("/api/ext-v1/ticket/createTicket", org.apiKey, { body, bookmark }), db.env)).status).toBe(200);
    }
    expect(db.constraints).toEqual(["first-primary", "first-primary"]);
  });

  it("a bookmark sent back starts the session there: read-your-writes", async () => {
    const org = await createOrg();
    const db = recordingDb(org);
    const created = await fetchWithEnv(
      request("/api/ext-v1/ticket/createTicket", org.apiKey, { body: { title: "ryw", customerEmail: "r@example.com" } }),
      db.env,
    );
    const bookmark = created.headers.get("x-d1-bookmark")!;
    const { ticketId } = (await created.json()) as { ticketId: string };

    const read = await fetchWithEnv(request(`/api/ext-v1/ticket/getTicket/${ticketId}`, org.apiKey, { bookmark }), db.env);
    expect(read.status).toBe(200);
    expect(db.constraints.at(-1)).toBe(bookmark);
    // Bookmarks are fixed-width hex: a later state sorts after an earlier one.
    expect(read.headers.get("x-d1-bookmark")! >= bookmark).toBe(true);
  });

  it("a malformed bookmark is a 400 naming the header, never a D1 error", async () => {
    const org = await createOrg();
    for (const [method, path, body] of [
      ["GET", "/api/ext-v1/ticket/listTickets"],
      ["GET", "/api/ext-v1/customer/getCustomer/00000000-0000-7000-8000-000000000000"],
      ["POST", "/api/ext-v1/device", { identifier: "SN-1", type: "sensor" }],
      ["POST", "/api/ext-v1/deviceAssignment/unassignDevicesFromOwner", { customerEmail: "a@example.com", deviceIdentifiers: ["SN-1"] }],
    ] as const) {
      const res = await call(method, path, { key: org.apiKey, body, headers: { "x-d1-bookmark": "garbage; drop table" } });
      expect(res.status).toBe(400);
      expect(res.json.issues).toEqual([{ path: "x-d1-bookmark", message: expect.any(String) }]);
    }
  });

  it.each([
    ["fails", (): Promise<never> => Promise.reject(new Error("D1_ERROR: Bookmark not found"))],
    ["never answers", (): Promise<never> => new Promise<never>(() => {})],
  ])("a well-formed bookmark the database does not know: when its session %s, the primary answers", async (_, behaviour) => {
    const org = await createOrg();
    const created = await createTicket(org.apiKey, { title: "b", customerEmail: "b@example.com" });
    // Sessions started from a bookmark behave as `behaviour` says; first-primary ones are real.
    const { env: shardEnv, constraints } = recordingDb(org, (session, constraint) =>
      constraint?.startsWith("first-")
        ? session
        : new Proxy(session, { get: (t, p) => (p === "batch" ? behaviour : (Reflect.get(t, p, t).bind?.(t) ?? Reflect.get(t, p, t))) }),
    );
    const unknown = "ffffffff-ffffffff-ffffffff-ffffffffffffffff";
    const res = await fetchWithEnv(request(`/api/ext-v1/ticket/getTicket/${created.json.ticketId}`, org.apiKey, { bookmark: unknown }), {
      ...shardEnv,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ticket: { id: string } }).ticket.id).toBe(created.json.ticketId);
    expect(constraints).toEqual([unknown, "first-primary"]);
  });
});
