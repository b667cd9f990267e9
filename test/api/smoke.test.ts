import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";

describe("smoke", () => {
  it("health", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });
  it("creates and reads a ticket", async () => {
    const org = await createOrg();
    const created = await call("POST", "/api/ext-v1/ticket/createTicket", {
      key: org.apiKey,
      body: { title: "Hello", customerEmail: "Jane@Example.com", messages: [{ role: "customer", content: "hi" }] },
    });
    expect(created.status, created.text).toBe(200);
    const got = await call("GET", `/api/ext-v1/ticket/getTicket/${created.json.ticketId}`, { key: org.apiKey });
    expect(got.status, got.text).toBe(200);
    console.log(JSON.stringify(got.json));
  });
});
