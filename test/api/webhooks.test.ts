import { describe, expect, it, vi } from "vitest";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { captureSends } from "../support/queue";
import { captureWebhookSends, createEndpoint } from "../support/webhooks";

const URL_A = "https://receiver.example.com/a";

describe("webhook endpoint management", () => {
  it("creates an endpoint with a whsec_ secret of 32 random bytes, shown only once", async () => {
    const org = await createOrg();
    const res = await call("POST", "/api/ext-v1/webhook/createEndpoint", { key: org.apiKey, body: { url: URL_A, description: "CRM" } });
    expect(res.status, res.text).toBe(200);
    expect(res.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(res.json.secret.slice(6))).toHaveLength(32);
    expect(res.json.endpoint).toMatchObject({ url: URL_A, enabled: true, description: "CRM", lastSuccessAt: null, lastFailureAt: null });
    expect(res.json.endpoint.events).toContain("ticket.created");
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: org.apiKey });
    expect(list.status).toBe(200);
    expect(list.json.endpoints).toEqual([res.json.endpoint]);
    expect(list.text).not.toContain(res.json.secret);
  });

  it("never writes the secret to the log", async () => {
    const org = await createOrg();
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const { endpoint, secret } = await createEndpoint(org, { url: URL_A });
    const rotated = await call("POST", "/api/ext-v1/webhook/rotateSecret", { key: org.apiKey, body: { endpointId: endpoint.id } });
    expect(lines.length).toBeGreaterThan(0);
    for (const s of [secret, rotated.json.secret]) expect(lines.join("\n")).not.toContain(s.slice(6));
  });

  it("stores the secret encrypted, never as given", async () => {
    const org = await createOrg();
    const { endpoint, secret } = await createEndpoint(org, { url: URL_A });
    const row = await org.db.prepare("select secret from webhook_endpoints where id = ?").bind(endpoint.id).first<{ secret: string }>();
    expect(row!.secret).toMatch(/^v1\./);
    expect(row!.secret).not.toContain(secret.slice(6));
  });

  it("keeps the event filter it was given, without duplicates", async () => {
    const org = await createOrg();
    const { endpoint } = await createEndpoint(org, { url: URL_A, events: ["ticket.created", "ticket.status_changed", "ticket.created"] });
    expect(endpoint.events).toEqual(["ticket.created", "ticket.status_changed"]);
  });

  it("refuses an unknown event type with a 400 on events", async () => {
    const org = await createOrg();
    const res = await call("POST", "/api/ext-v1/webhook/createEndpoint", {
      key: org.apiKey,
      body: { url: URL_A, events: ["ticket.exploded"] },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("validation_failed");
    expect(res.json.issues?.[0]?.path).toBe("events.0");
  });

  it.each([
    ["http://receiver.example.com/", "url must use https://"],
    ["https://user:pw@receiver.example.com/", "url must not contain a user name or password"],
    ["https://127.0.0.1/hook", "url's host is a loopback address"],
    ["https://[::ffff:192.168.0.1]/", "url's host is a private address"],
    ["https://db.internal/", "url's host is an .internal name"],
  ])("refuses %s with a 400 saying why", async (url, reason) => {
    const org = await createOrg();
    const res = await call("POST", "/api/ext-v1/webhook/createEndpoint", { key: org.apiKey, body: { url } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ success: false, error: reason, code: "validation_failed", issues: [{ path: "url", message: reason }] });
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: org.apiKey });
    expect(list.json.endpoints).toEqual([]);
  });

  it("refuses an unsafe URL on update too", async () => {
    const org = await createOrg();
    const { endpoint } = await createEndpoint(org, { url: URL_A });
    const res = await call("POST", "/api/ext-v1/webhook/updateEndpoint", {
      key: org.apiKey,
      body: { endpointId: endpoint.id, url: "https://169.254.169.254/" },
    });
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([{ path: "url", message: "url's host is a link-local address" }]);
  });

  it("allows at most 10 endpoints per organization (409 for the 11th)", async () => {
    const org = await createOrg();
    for (let i = 0; i < 10; i++) await createEndpoint(org, { url: `${URL_A}/${i}` });
    const res = await call("POST", "/api/ext-v1/webhook/createEndpoint", { key: org.apiKey, body: { url: `${URL_A}/10` } });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe("too_many_webhook_endpoints");
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: org.apiKey });
    expect(list.json.endpoints).toHaveLength(10);
  });

  it("updates url, events, enabled and description", async () => {
    const org = await createOrg();
    const { endpoint } = await createEndpoint(org, { url: URL_A });
    const res = await call("POST", "/api/ext-v1/webhook/updateEndpoint", {
      key: org.apiKey,
      body: { endpointId: endpoint.id, url: `${URL_A}/v2`, events: ["ticket.assigned"], enabled: false, description: "paused" },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.endpoint).toMatchObject({ url: `${URL_A}/v2`, events: ["ticket.assigned"], enabled: false, description: "paused" });
  });

  it("deletes an endpoint; a second delete is a 404", async () => {
    const org = await createOrg();
    const { endpoint } = await createEndpoint(org, { url: URL_A });
    const first = await call("POST", "/api/ext-v1/webhook/deleteEndpoint", { key: org.apiKey, body: { endpointId: endpoint.id } });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ success: true });
    const second = await call("POST", "/api/ext-v1/webhook/deleteEndpoint", { key: org.apiKey, body: { endpointId: endpoint.id } });
    expect(second.status).toBe(404);
    expect(second.json.code).toBe("webhook_endpoint_not_found");
  });

  it("rotates the secret: a new whsec_ secret, different from the old", async () => {
    const org = await createOrg();
    const { endpoint, secret } = await createEndpoint(org, { url: URL_A });
    const res = await call("POST", "/api/ext-v1/webhook/rotateSecret", { key: org.apiKey, body: { endpointId: endpoint.id } });
    expect(res.status).toBe(200);
    expect(res.json.secret).toMatch(/^whsec_/);
    expect(res.json.secret).not.toBe(secret);
  });

  it.each([
    ["updateEndpoint", { enabled: false }],
    ["deleteEndpoint", {}],
    ["rotateSecret", {}],
  ])("%s is a 404 for another organization's endpoint, and leaves it alone", async (op, extra) => {
    const owner = await createOrg();
    const intruder = await createOrg();
    const { endpoint } = await createEndpoint(owner, { url: URL_A });
    const res = await call("POST", `/api/ext-v1/webhook/${op}`, { key: intruder.apiKey, body: { endpointId: endpoint.id, ...extra } });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe("webhook_endpoint_not_found");
    const list = await call("GET", "/api/ext-v1/webhook/listEndpoints", { key: owner.apiKey });
    expect(list.json.endpoints).toEqual([endpoint]);
  });

  it("listDeliveries without a filter shows none of another organization's deliveries", async () => {
    // Nothing is delivered meanwhile: the listed attempt stays pending.
    captureSends();
    captureWebhookSends();
    const owner = await createOrg();
    const intruder = await createOrg();
    await createEndpoint(owner, { url: URL_A });
    const created = await call("POST", "/api/ext-v1/ticket/createTicket", {
      key: owner.apiKey,
      body: { title: "t", customerEmail: "a@example.com" },
    });
    expect(created.status).toBe(200);
    const own = await call("GET", "/api/ext-v1/webhook/listDeliveries", { key: owner.apiKey });
    expect(own.json.deliveries.length).toBeGreaterThan(0);
    const theirs = await call("GET", "/api/ext-v1/webhook/listDeliveries", { key: intruder.apiKey });
    expect(theirs.status).toBe(200);
    expect(theirs.json.deliveries).toEqual([]);
  });

  it("listDeliveries and redeliver are 404 for another organization's endpoint", async () => {
    const owner = await createOrg();
    const intruder = await createOrg();
    const { endpoint } = await createEndpoint(owner, { url: URL_A });
    const list = await call("GET", `/api/ext-v1/webhook/listDeliveries?endpointId=${endpoint.id}`, { key: intruder.apiKey });
    expect(list.status).toBe(404);
    const redo = await call("POST", "/api/ext-v1/webhook/redeliver", {
      key: intruder.apiKey,
      body: { endpointId: endpoint.id, eventId: "x" },
    });
    expect(redo.status).toBe(404);
    expect(redo.json.code).toBe("webhook_endpoint_not_found");
  });
});
