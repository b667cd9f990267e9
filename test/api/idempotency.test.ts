import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { createOrg } from "../support/orgs";
import { createTicket, rows } from "../support/tickets";

const ticketCount = async (orgId: string) =>
  (await rows<{ n: number }>("select count(*) as n from tickets where organization_id = ?", orgId))[0]!.n;

const withKey = (key: string) => ({ "Idempotency-Key": key });

const body = { title: "Printer on fire", customerEmail: "ops@example.com", priority: "high" };

describe("Idempotency-Key on createTicket", () => {
  it("a retry with the same key and body returns the original response and creates nothing", async () => {
    const org = await createOrg();
    const first = await createTicket(org.apiKey, body, withKey("retry-1"));
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get("idempotency-replayed")).toBeNull();

    const again = await createTicket(org.apiKey, body, withKey("retry-1"));
    expect(again.status, again.text).toBe(200);
    expect(again.headers.get("idempotency-replayed")).toBe("true");
    expect(again.json).toEqual(first.json);
    expect(await ticketCount(org.id)).toBe(1);
    const stored = await rows("select ticket_id from idempotency_keys where organization_id = ? and key = ?", org.id, "retry-1");
    expect(stored).toEqual([{ ticket_id: first.json.ticketId }]);
  });

  it("the body is compared after validation: key order, whitespace and explicit defaults do not matter", async () => {
    const org = await createOrg();
    const first = await createTicket(org.apiKey, { title: "Same", customerEmail: "a@example.com" }, withKey("canon"));
    const reordered = await call("POST", "/api/ext-v1/ticket/createTicket", {
      key: org.apiKey,
      headers: { ...withKey("canon"), "content-type": "application/json" },
      rawBody: '{ "priority": "medium",\n  "customerEmail": "a@example.com", "title": "  Same " }',
    });
    expect(reordered.status, reordered.text).toBe(200);
    expect(reordered.headers.get("idempotency-replayed")).toBe("true");
    expect(reordered.json.ticketId).toBe(first.json.ticketId);
  });

  it("the same key with a different body is a 422 and changes nothing", async () => {
    const org = await createOrg();
    const first = await createTicket(org.apiKey, body, withKey("k-422"));
    const other = await createTicket(org.apiKey, { ...body, priority: "low" }, withKey("k-422"));
    expect(other.status).toBe(422);
    expect(other.json).toMatchObject({ success: false, error: expect.stringContaining("Idempotency-Key") });
    expect(other.json.issues).toEqual([{ path: "Idempotency-Key", message: expect.any(String) }]);
    expect(await ticketCount(org.id)).toBe(1);
    // The original stays replayable.
    const replay = await createTicket(org.apiKey, body, withKey("k-422"));
    expect(replay.json.ticketId).toBe(first.json.ticketId);
  });

  it("keys belong to one organization: the same key in another organization creates its own ticket", async () => {
    const [a, b] = await Promise.all([createOrg(), createOrg()]);
    const inA = await createTicket(a.apiKey, body, withKey("shared-key"));
    const inB = await createTicket(b.apiKey, body, withKey("shared-key"));
    expect(inB.status).toBe(200);
    expect(inB.headers.get("idempotency-replayed")).toBeNull();
    expect(inB.json.ticketId).not.toBe(inA.json.ticketId);
    expect(await ticketCount(b.id)).toBe(1);
  });

  it("without the header, identical requests create separate tickets", async () => {
    const org = await createOrg();
    await createTicket(org.apiKey, body);
    await createTicket(org.apiKey, body);
    expect(await ticketCount(org.id)).toBe(2);
  });

  it.each([
    ["empty", ""],
    ["too long", "k".repeat(256)],
    ["inner space", "two words"],
    ["non-ASCII", "cl\u00e9"],
  ])("rejects a %s key with 400 naming the header, before creating anything", async (_, key) => {
    const org = await createOrg();
    const res = await createTicket(org.apiKey, body, withKey(key));
    expect(res.status).toBe(400);
    expect(res.json.success).toBe(false);
    expect(res.json.issues).toEqual([{ path: "Idempotency-Key", message: expect.any(String) }]);
    expect(await ticketCount(org.id)).toBe(0);
  });

  it("accepts the longest allowed key", async () => {
    const org = await createOrg();
    const res = await createTicket(org.apiKey, body, withKey("~".repeat(255)));
    expect(res.status, res.text).toBe(200);
  });

  it("a failed create stores no key, so a corrected retry with the same key creates the ticket", async () => {
    const org = await createOrg();
    const missing = await createTicket(org.apiKey, { title: "x", customerId: "no-such-customer" }, withKey("fix-me"));
    expect(missing.status).toBe(404);
    expect(await rows("select key from idempotency_keys where organization_id = ?", org.id)).toEqual([]);

    const fixed = await createTicket(org.apiKey, body, withKey("fix-me"));
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.headers.get("idempotency-replayed")).toBeNull();
    expect(await ticketCount(org.id)).toBe(1);
  });

  it("20 concurrent requests with one key create exactly one ticket; the others are replays of it", async () => {
    const org = await createOrg();
    const results = await Promise.all(Array.from({ length: 20 }, () => createTicket(org.apiKey, body, withKey("stampede"))));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const ids = new Set(results.map((r) => r.json.ticketId));
    expect(ids.size).toBe(1);
    const replayed = results.filter((r) => r.headers.get("idempotency-replayed") === "true");
    expect(replayed).toHaveLength(19);
    expect(await ticketCount(org.id)).toBe(1);
    expect(await rows("select count(*) as n from jobs where organization_id = ?", org.id)).toEqual([{ n: 2 }]);
  });

  it("an expired key is taken over by the next request", async () => {
    const org = await createOrg();
    const first = await createTicket(org.apiKey, body, withKey("old"));
    // Age the record past its 24 hours, as if the purge had not run yet.
    await rows(
      "update idempotency_keys set created_at = ?, expires_at = ? where organization_id = ? and key = ?",
      "2020-01-01T00:00:00.000Z",
      "2020-01-02T00:00:00.000Z",
      org.id,
      "old",
    );
    const next = await createTicket(org.apiKey, { ...body, title: "A new problem" }, withKey("old"));
    expect(next.status, next.text).toBe(200);
    expect(next.headers.get("idempotency-replayed")).toBeNull();
    expect(next.json.ticketId).not.toBe(first.json.ticketId);
    expect(await ticketCount(org.id)).toBe(2);

    const record = await rows<{ ticket_id: string; expires_at: string }>(
      "select ticket_id, expires_at from idempotency_keys where organization_id = ? and key = ?",
      org.id,
      "old",
    );
    expect(record[0]!.ticket_id).toBe(next.json.ticketId);
    expect(Date.parse(record[0]!.expires_at) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
  });

  it("keys belong to the organization, not the API key: a retry with a rotated key replays", async () => {
    const org = await createOrg();
    const first = await createTicket(org.apiKey, body, withKey("rotate"));
    const second = await call("POST", `/admin/organizations/${org.id}/api-keys`, {
      headers: { authorization: "Bearer test-admin-token" },
    });
    const replay = await createTicket(second.json.apiKey, body, withKey("rotate"));
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(replay.json.ticketId).toBe(first.json.ticketId);
  });
});
