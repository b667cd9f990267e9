import { describe, expect, it } from "vitest";
import { admin, call } from "../support/http";
import { createOrg } from "../support/orgs";
import { CREATE, createTicket, getTicket, newTicket, rows } from "../support/tickets";

const body = { title: "t", customerEmail: "auth@example.com" };

describe("organization API keys", () => {
  it("401 without a key, with an unknown key, with a malformed bearer", async () => {
    const missing = await call("POST", CREATE, { body });
    expect(missing.status).toBe(401);
    expect(missing.json).toEqual({ success: false, error: expect.stringMatching(/API key/), code: "missing_api_key" });
    expect((await createTicket("tik_unknown", body)).status).toBe(401);
    const basic = await call("POST", CREATE, { body, headers: { authorization: "Basic abc" } });
    expect(basic.status).toBe(401);
    expect((await call("GET", "/api/ext-v1/ticket/listTickets", { key: "nope" })).status).toBe(401);
    expect((await call("GET", "/api/ext-v1/ticket/getTicket/x", { key: "nope" })).status).toBe(401);
  });

  it("accepts Authorization: Bearer as well as x-api-key", async () => {
    const org = await createOrg();
    const res = await call("POST", CREATE, { body, headers: { authorization: `Bearer ${org.apiKey}` } });
    expect(res.status).toBe(200);
    const read = await call("GET", `/api/ext-v1/ticket/getTicket/${res.json.ticketId}`, {
      headers: { authorization: `bearer ${org.apiKey}` },
    });
    expect(read.status).toBe(200);
  });

  it("stores keys only as SHA-256 digests and never shows them again", async () => {
    const org = await createOrg();
    const stored = await rows<{ key_hash: string; prefix: string }>(
      "select key_hash, prefix from api_keys where organization_id = ?",
      org.id,
    );
    expect(stored).toHaveLength(1);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(org.apiKey)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    expect(stored[0]!.key_hash).toBe(digest);
    expect(org.apiKey.startsWith(stored[0]!.prefix)).toBe(true);
    expect(stored[0]!.prefix.length).toBeLessThan(org.apiKey.length / 2);
    const view = await admin("GET", `/admin/organizations/${org.id}`);
    expect(view.text).not.toContain(org.apiKey);
    expect(view.text).not.toContain(digest);
  });

  it("rotation: two keys work at once; a revoked key stops at once, the other keeps working", async () => {
    const org = await createOrg();
    const second = await admin("POST", `/admin/organizations/${org.id}/api-keys`);
    expect(second.status).toBe(201);
    expect(second.json).toEqual({ id: expect.any(String), apiKey: expect.stringMatching(/^tik\d+_/), label: null });
    const ticket = await newTicket(second.json.apiKey, { title: "with the new key" });
    expect((await getTicket(org.apiKey, ticket)).status).toBe(200);

    const firstKeyId = (await admin("GET", `/admin/organizations/${org.id}`)).json.apiKeys.find(
      (k: { id: string }) => k.id !== second.json.id,
    )!.id;
    const revoked = await admin("DELETE", `/admin/organizations/${org.id}/api-keys/${firstKeyId}`);
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe("");
    expect((await createTicket(org.apiKey, body)).status).toBe(401);
    expect((await getTicket(org.apiKey, ticket)).status).toBe(401);
    expect((await getTicket(second.json.apiKey, ticket)).status).toBe(200);
    expect((await admin("DELETE", `/admin/organizations/${org.id}/api-keys/${firstKeyId}`)).status).toBe(404);
  });

  it("a key only ever sees its own organization", async () => {
    const [a, b] = await Promise.all([createOrg(), createOrg()]);
    const ticketB = await newTicket(b.apiKey, { title: "b's", customerEmail: "shared@example.com" });
    await newTicket(a.apiKey, { title: "a's", customerEmail: "shared@example.com" });
    expect((await getTicket(a.apiKey, ticketB)).status).toBe(404);
    const listA = await call("GET", "/api/ext-v1/ticket/listTickets", { key: a.apiKey });
    expect(listA.json.tickets.map((t: { title: string }) => t.title)).toEqual(["a's"]);
    // Same email in two organizations: two separate customers.
    const customers = await rows("select organization_id from customers where email_lower = 'shared@example.com'");
    expect(customers).toHaveLength(2);
  });
});
