import { describe, expect, it, vi } from "vitest";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { createTicket } from "../support/tickets";

describe("HTTP conventions", () => {
  it("unknown paths are a JSON 404", async () => {
    const res = await call("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ success: false, error: "No route for GET /nope", code: "not_found" });
  });

  it("a known path with the wrong method is a JSON 405 with Allow", async () => {
    const res = await call("GET", "/api/ext-v1/ticket/createTicket", { key: "k" });
    expect(res.status).toBe(405);
    expect(res.json.success).toBe(false);
    expect(res.headers.get("allow")).toBe("POST");
    const del = await call("DELETE", "/api/ext-v1/ticket/getTicket/abc", { key: "k" });
    expect(del.status).toBe(405);
    expect(del.headers.get("allow")).toBe("GET, HEAD");
  });

  it("every response carries x-request-id, echoing a sane one", async () => {
    const echoed = await call("GET", "/health", { headers: { "x-request-id": "client-abc-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("client-abc-123");
    const fresh = await call("GET", "/health", { headers: { "x-request-id": "bad id with spaces <script>" } });
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const error = await call("GET", "/nope");
    expect(error.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const unauthorized = await call("POST", "/api/ext-v1/ticket/createTicket", { body: {}, headers: { "x-request-id": "req-401" } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("x-request-id")).toBe("req-401");
  });

  it("logs one JSON line per request with the request id and never the key or body", async () => {
    const log = vi.spyOn(console, "log");
    const org = await createOrg();
    log.mockClear();
    const res = await createTicket(
      org.apiKey,
      { title: "secret title", customerEmail: "log@example.com" },
      { "x-request-id": "log-test-1" },
    );
    expect(res.status).toBe(200);
    const lines = log.mock.calls.map((c) => String(c[0]));
    const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
    expect(requestLines).toEqual([
      {
        msg: "request",
        requestId: "log-test-1",
        method: "POST",
        path: "/api/ext-v1/ticket/createTicket",
        status: 200,
        durationMs: expect.any(Number),
      },
    ]);
    const all = lines.join("\n");
    expect(all).not.toContain(org.apiKey);
    expect(all).not.toContain("secret title");
  });

  it("health needs no key", async () => {
    expect((await call("GET", "/health")).json).toEqual({ ok: true, shards: 3 });
  });
});
