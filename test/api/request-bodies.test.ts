import { describe, expect, it } from "vitest";
import { admin, call } from "../support/http";
import { createOrg } from "../support/orgs";
import { CREATE, getTicket, rows } from "../support/tickets";

// Telemetron documents 400 for invalid JSON and no 415: its clients may send a JSON body with no
// Content-Type at all, or as text/plain (what fetch() sets for a string body).
describe("request bodies as Telemetron's clients send them", () => {
  const body = JSON.stringify({ title: "Sent as fetch() sends a string", customerEmail: "plain@example.com" });

  it.each([
    ["no Content-Type", {}],
    ["text/plain", { "content-type": "text/plain;charset=UTF-8" }],
  ])("createTicket accepts a JSON body with %s", async (_, headers: Record<string, string>) => {
    const org = await createOrg();
    const res = await call("POST", CREATE, { key: org.apiKey, rawBody: body, headers });
    expect(res.status, res.text).toBe(200);
    const stored = await getTicket(org.apiKey, res.json.ticketId);
    expect(stored.json.ticket).toMatchObject({ title: "Sent as fetch() sends a string", customer: { email: "plain@example.com" } });
  });

  it("the other ext-v1 endpoints accept an untyped JSON body too", async () => {
    const org = await createOrg();
    const res = await call("POST", "/api/ext-v1/customer/createOrUpdateCustomer", {
      key: org.apiKey,
      rawBody: '{"email":"untyped@example.com"}',
    });
    expect(res.status, res.text).toBe(200);
    const device = await call("POST", "/api/ext-v1/device", {
      key: org.apiKey,
      rawBody: '{"identifier":"SN-1","type":"sensor"}',
      headers: { "content-type": "text/plain" },
    });
    expect(device.status, device.text).toBe(200);
  });

  it.each([
    ["no Content-Type", {}],
    ["text/plain", { "content-type": "text/plain" }],
  ])("malformed JSON with %s is a 400 with Telemetron's message, storing nothing", async (_, headers: Record<string, string>) => {
    const org = await createOrg();
    const res = await call("POST", CREATE, { key: org.apiKey, rawBody: '{"title": "x",', headers });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ success: false, error: "Invalid JSON payload", code: "invalid_json" });
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toEqual([]);
  });

  it.each(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])("a %s body is still a 415 on ext-v1", async (type) => {
    const org = await createOrg();
    const res = await call("POST", CREATE, { key: org.apiKey, rawBody: "title=x", headers: { "content-type": type } });
    expect(res.status).toBe(415);
    expect(res.json).toEqual({ success: false, error: "Content-Type must be application/json", code: "unsupported_media_type" });
  });

  it("outside ext-v1 (the operator API) an untyped or text/plain body stays a 415", async () => {
    for (const headers of [{}, { "content-type": "text/plain" }] as Record<string, string>[]) {
      const res = await call("POST", "/admin/organizations", {
        rawBody: '{"name":"x"}',
        headers: { authorization: "Bearer test-admin-token", ...headers },
      });
      expect(res.status).toBe(415);
    }
    expect((await admin("POST", "/admin/organizations", { name: "typed" })).status).toBe(201);
  });

  it("a request without a key is a 401 before its body is read", async () => {
    const res = await call("POST", CREATE, { rawBody: "{not json", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(401);
  });
});
