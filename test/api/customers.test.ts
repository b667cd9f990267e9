import { afterEach, describe, expect, it, vi } from "vitest";
import { call } from "../support/http";
import { createOrg, setCategories, setRoutingRules } from "../support/orgs";
import { ticketAndMessage } from "../support/pipeline";
import { captureSends, runQueue } from "../support/queue";
import { createTicket, getTicket, rows } from "../support/tickets";

const SAVE = "/api/ext-v1/customer/createOrUpdateCustomer";
const QUERY = "/api/ext-v1/customer/queryCustomer";
const GET = (id: string) => `/api/ext-v1/customer/getCustomer/${id}`;

const save = (key: string, body: unknown) => call("POST", SAVE, { key, body });

/** An org with customer, ticket-only, shared and inactive categories. */
const orgWithCategories = async () => {
  const org = await createOrg();
  await setCategories(org.id, [
    { name: "VIP", appliesTo: "customer" },
    { name: "Billing", appliesTo: "ticket" },
    { name: "Enterprise", appliesTo: "any" },
    { name: "Legacy", appliesTo: "customer", active: false },
  ]);
  return org;
};

describe("createOrUpdateCustomer", () => {
  it("creates a customer and getCustomer returns the contract's customer object", async () => {
    const org = await orgWithCategories();
    const created = await save(org.apiKey, { email: "Jane@Example.com", name: "Jane", phone: "+1 555 0100", categories: ["vip"] });
    expect(created.status, created.text).toBe(200);
    expect(created.json).toEqual({ success: true, customerId: expect.any(String), message: "Customer created successfully" });

    const got = await call("GET", GET(created.json.customerId), { key: org.apiKey });
    expect(got.status).toBe(200);
    expect(got.json).toEqual({
      success: true,
      customer: {
        id: created.json.customerId,
        email: "Jane@Example.com",
        name: "Jane",
        phone: "+1 555 0100",
        categories: ["VIP"],
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: expect.any(String),
      },
    });
  });

  it("stores categories by canonical name in the organization's order, without duplicates", async () => {
    const org = await orgWithCategories();
    const created = await save(org.apiKey, { email: "c@example.com", categories: ["ENTERPRISE", "vip", "Vip"] });
    expect(created.status, created.text).toBe(200);
    const stored = await rows<{ categories: string }>("select categories from customers where id = ?", created.json.customerId);
    expect(JSON.parse(stored[0]!.categories)).toEqual(["VIP", "Enterprise"]);
  });

  it.each([
    ["a ticket-only category", "Billing"],
    ["an inactive category", "Legacy"],
    ["an unknown category", "Nope"],
  ])("rejects %s with 400 naming the entry, and stores nothing", async (_, name) => {
    const org = await orgWithCategories();
    const res = await save(org.apiKey, { email: "x@example.com", categories: ["VIP", name] });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: "Validation failed",
      issues: [{ path: "categories.1", message: expect.stringContaining(name) }],
    });
    expect(await rows("select id from customers where organization_id = ?", org.id)).toEqual([]);
  });

  it("does not accept another organization's categories", async () => {
    const org = await createOrg();
    await orgWithCategories();
    const res = await save(org.apiKey, { email: "x@example.com", categories: ["VIP"] });
    expect(res.status).toBe(400);
  });

  it("409 when the email already belongs to a customer of the organization, case-insensitively", async () => {
    const org = await createOrg();
    await save(org.apiKey, { email: "dup@example.com" });
    const dup = await save(org.apiKey, { email: "DUP@example.com", name: "Other" });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ success: false, issues: [{ path: "email", message: expect.any(String) }] });
    // Another organization may have the same email.
    const elsewhere = await createOrg();
    expect((await save(elsewhere.apiKey, { email: "dup@example.com" })).status).toBe(200);
  });

  it("a customer created by a ticket cannot be created again, and is the same customer", async () => {
    const org = await createOrg();
    const ticket = await createTicket(org.apiKey, { title: "t", customerEmail: "from-ticket@example.com" });
    expect(ticket.status).toBe(200);
    expect((await save(org.apiKey, { email: "From-Ticket@example.com" })).status).toBe(409);
  });

  it("updates by customerId: sent fields change, absent ones stay, null clears", async () => {
    const org = await orgWithCategories();
    const { json } = await save(org.apiKey, { email: "u@example.com", name: "Old", phone: "123", categories: ["VIP"] });
    const id = json.customerId;
    const updated = await save(org.apiKey, { customerId: id, email: "U2@example.com", name: "New", phone: null });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json).toEqual({ success: true, customerId: id, message: "Customer updated successfully" });
    const got = await call("GET", GET(id), { key: org.apiKey });
    expect(got.json.customer).toMatchObject({ email: "U2@example.com", name: "New", phone: null, categories: ["VIP"] });

    expect((await save(org.apiKey, { customerId: id, email: "u2@example.com", categories: [] })).status).toBe(200);
    expect((await call("GET", GET(id), { key: org.apiKey })).json.customer.categories).toEqual([]);
    // The new email is the identity now: tickets by it land on this customer.
    const ticket = await createTicket(org.apiKey, { title: "t", customerEmail: "u2@EXAMPLE.com" });
    const t = await call("GET", `/api/ext-v1/ticket/getTicket/${ticket.json.ticketId}`, { key: org.apiKey });
    expect(t.json.ticket.customer.id).toBe(id);
  });

  it("update: 404 for an unknown or foreign customerId, 409 for an email another customer has, 400 for bad categories", async () => {
    const org = await orgWithCategories();
    const a = (await save(org.apiKey, { email: "a@example.com" })).json.customerId;
    await save(org.apiKey, { email: "b@example.com" });
    const foreign = await createOrg();
    const theirs = (await save(foreign.apiKey, { email: "f@example.com" })).json.customerId;

    expect((await save(org.apiKey, { customerId: "missing", email: "a@example.com" })).status).toBe(404);
    expect((await save(org.apiKey, { customerId: theirs, email: "f@example.com" })).status).toBe(404);
    expect((await save(org.apiKey, { customerId: a, email: "B@example.com" })).status).toBe(409);
    const bad = await save(org.apiKey, { customerId: a, email: "a@example.com", categories: ["Billing"] });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ path: "categories.0", message: expect.any(String) }]);
    const still = await call("GET", GET(a), { key: org.apiKey });
    expect(still.json.customer).toMatchObject({ email: "a@example.com", categories: [] });
    const theirsNow = await call("GET", GET(theirs), { key: foreign.apiKey });
    expect(theirsNow.json.customer.email).toBe("f@example.com");
  });

  it("validates the body: email required and well-formed, bounded fields", async () => {
    const org = await createOrg();
    const res = await save(org.apiKey, { name: "x".repeat(201), categories: "VIP" });
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: { path: string }) => i.path).sort()).toEqual(["categories", "email", "name"]);
    expect((await save(org.apiKey, { email: "not-an-email" })).json.issues[0].path).toBe("email");
  });

  it("401 for a missing or revoked key", async () => {
    expect((await call("POST", SAVE, { body: { email: "a@example.com" } })).status).toBe(401);
    const res = await save("tik_unknown", { email: "a@example.com" });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ success: false, error: "Invalid or revoked API key" });
  });
});

describe("queryCustomer and getCustomer", () => {
  it("queryCustomer finds by email case-insensitively, only within the organization", async () => {
    const org = await createOrg();
    const id = (await save(org.apiKey, { email: "Find.Me@Example.com", name: "F" })).json.customerId;
    const found = await call("POST", QUERY, { key: org.apiKey, body: { email: "find.me@EXAMPLE.com" } });
    expect(found.status).toBe(200);
    expect(found.json.customer).toMatchObject({ id, email: "Find.Me@Example.com", name: "F" });

    const other = await createOrg();
    const miss = await call("POST", QUERY, { key: other.apiKey, body: { email: "find.me@example.com" } });
    expect(miss.status).toBe(404);
    expect(miss.json).toEqual({ success: false, error: "Customer not found" });
    expect((await call("POST", QUERY, { key: org.apiKey, body: { email: "nope" } })).status).toBe(400);
  });

  it("getCustomer: 404 for another organization's customer or an unknown id, 401 for an unknown key", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const id = (await save(org.apiKey, { email: "mine@example.com" })).json.customerId;
    expect((await call("GET", GET(id), { key: other.apiKey })).status).toBe(404);
    expect((await call("GET", GET("00000000-0000-0000-0000-000000000000"), { key: org.apiKey })).status).toBe(404);
    expect((await call("GET", GET(id), { key: "tik_unknown" })).status).toBe(401);
  });
});

describe("customer categories in routing", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("categories saved through the customer API decide which routing rule a ticket matches", async () => {
    const org = await orgWithCategories();
    await setRoutingRules(org.id, [
      { when: { customerCategory: "VIP" }, assignTo: "@vip-desk" },
      { when: { ticketCategory: "Billing" }, assignTo: "@billing" },
    ]);
    await save(org.apiKey, { email: "vip@example.com", categories: ["vip"] });
    await save(org.apiKey, { email: "plain@example.com" });
    const sends = captureSends();
    for (const [email, assignee] of [["vip@example.com", "@vip-desk"], ["plain@example.com", "@billing"]] as const) {
      const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice", customerEmail: email, category: "Billing" });
      await runQueue([message]);
      expect((await getTicket(org.apiKey, id)).json.ticket.assignee, email).toBe(assignee);
    }
  });
});
