import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countingD1, countingQueue, fetchWithEnv } from "../support/counting";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";

const createTicket = (apiKey: string, body: unknown) =>
  new Request("https://ticket-intake.test/api/ext-v1/ticket/createTicket", {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const measure = async (apiKey: string, body: unknown) => {
  const d1 = countingD1(env.DB);
  const queue = countingQueue(env.JOBS);
  const res = await fetchWithEnv(createTicket(apiKey, body), { DB: d1.binding, JOBS: queue.binding });
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
    const first = await call("POST", "/api/ext-v1/ticket/createTicket", { key: org.apiKey, body: { title: "a", customerEmail: "id@example.com" } });
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
    const stored = await env.DB.prepare("select count(*) as n from ticket_messages where ticket_id = ?").bind(m.json.ticketId).first<{ n: number }>();
    expect(stored?.n).toBe(30);
  });

  it("an unknown key also costs one round trip and sends nothing", async () => {
    const m = await measure("tik_nobody", { title: "x", customerEmail: "a@example.com" });
    expect(m.status).toBe(401);
    expect(m.d1.roundTrips).toBe(1);
    expect(m.queue.sendCalls).toBe(0);
  });
});
