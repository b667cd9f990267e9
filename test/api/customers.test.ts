import { describe, expect, it } from "vitest";
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
    { name: "Production", appliesTo: "device" },
  ]);
  return org;
};

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Telemetron's documented create example, word for word. */
const TELEMETRON_CREATE = {
  name: "John Doe",
  email: "john.doe@example.com",
  phone: "+1234567890",
  address: "123 Main St, City, State 12345",
};

const idOf = (res: { json: { telemetronCustomerId: string } }) => res.json.telemetronCustomerId;

describe("createOrUpdateCustomer", () => {
  it("creates with Telemetron's example body and answers in Telemetron's shape", async () => {
    const org = await createOrg();
    const created = await save(org.apiKey, TELEMETRON_CREATE);
    expect(created.status, created.text).toBe(200);
    expect(created.json).toEqual({
      success: true,
      telemetronCustomerId: expect.stringMatching(UUID),
      message: "Customer created successfully",
    });
  });

  it("getCustomer returns Telemetron's customer object at the top level, plus our extras", async () => {
    const org = await orgWithCategories();
    const id = idOf(await save(org.apiKey, { ...TELEMETRON_CREATE, metadata: { plan: "pro", seats: 3 }, categories: ["vip"] }));
    const got = await call("GET", GET(id), { key: org.apiKey });
    expect(got.status).toBe(200);
    expect(got.json).toEqual({
      success: true,
      id,
      organizationId: org.id,
      name: "John Doe",
      email: "john.doe@example.com",
      phone: "+1234567890",
      address: "123 Main St, City, State 12345",
      devices: [],
      deviceCount: 0,
      orders: [],
      metadata: { plan: "pro", seats: 3 },
      categories: ["VIP"],
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
  });

  it("names a customer by the email prefix when no name is sent", async () => {
    const org = await createOrg();
    const id = idOf(await save(org.apiKey, { email: "Jane.Smith@Example.com" }));
    const got = await call("GET", GET(id), { key: org.apiKey });
    expect(got.json).toMatchObject({ name: "Jane.Smith", metadata: {} });
  });

  it("leaves phone and address out when they were not provided, never null", async () => {
    const org = await createOrg();
    const id = idOf(await save(org.apiKey, { email: "no.phone@example.com" }));
    const got = await call("GET", GET(id), { key: org.apiKey });
    expect(got.json).not.toHaveProperty("phone");
    expect(got.json).not.toHaveProperty("address");
  });

  it("stores categories by canonical name in the organization's order, without duplicates", async () => {
    const org = await orgWithCategories();
    const created = await save(org.apiKey, { email: "c@example.com", categories: ["ENTERPRISE", "vip", "Vip"] });
    expect(created.status, created.text).toBe(200);
    const stored = await rows<{ categories: string }>("select categories from customers where id = ?", idOf(created));
    expect(JSON.parse(stored[0]!.categories)).toEqual(["VIP", "Enterprise"]);
  });

  it.each([
    ["a ticket-only category", "Billing"],
    ["a device-only category", "Production"],
    ["an inactive category", "Legacy"],
    ["an unknown category", "Nope"],
  ])("rejects %s with 400 naming the entry, and stores nothing", async (_, name) => {
    const org = await orgWithCategories();
    const res = await save(org.apiKey, { email: "x@example.com", categories: ["VIP", name] });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: "Validation failed",
      code: "validation_failed",
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

  it("409 for an email the organization already has (case-insensitive), carrying the existing telemetronCustomerId", async () => {
    const org = await createOrg();
    const first = idOf(await save(org.apiKey, { email: "dup@example.com" }));
    const dup = await save(org.apiKey, { email: "DUP@example.com", name: "Other" });
    expect(dup.status).toBe(409);
    expect(dup.json).toEqual({
      success: false,
      error: "Customer already exists with this email. Specify telemetronCustomerId to update fields.",
      code: "customer_email_taken",
      telemetronCustomerId: first,
    });
  });

  it("another organization may have the same email", async () => {
    const [org, elsewhere] = await Promise.all([createOrg(), createOrg()]);
    await save(org.apiKey, { email: "dup@example.com" });
    expect((await save(elsewhere.apiKey, { email: "dup@example.com" })).status).toBe(200);
  });

  it("a customer created by a ticket is the same customer: create is a 409 with its id", async () => {
    const org = await createOrg();
    const ticket = await createTicket(org.apiKey, { title: "t", customerEmail: "from-ticket@example.com" });
    const fromTicket = (await getTicket(org.apiKey, ticket.json.ticketId)).json.ticket.customer.id;
    const res = await save(org.apiKey, { email: "From-Ticket@example.com" });
    expect(res.status).toBe(409);
    expect(res.json.telemetronCustomerId).toBe(fromTicket);
  });

  it("updates with Telemetron's update example: sent fields change, absent ones stay", async () => {
    const org = await orgWithCategories();
    const id = idOf(await save(org.apiKey, { ...TELEMETRON_CREATE, metadata: { a: 1 }, categories: ["VIP"] }));
    const updated = await save(org.apiKey, {
      telemetronCustomerId: id,
      name: "John Doe Updated",
      email: "john.doe@example.com",
      phone: "+1234567890",
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json).toEqual({ success: true, telemetronCustomerId: id, message: "Customer updated successfully" });
    const got = await call("GET", GET(id), { key: org.apiKey });
    expect(got.json).toMatchObject({
      name: "John Doe Updated",
      address: "123 Main St, City, State 12345",
      metadata: { a: 1 },
      categories: ["VIP"],
    });
  });

  it("update: null clears optional fields (name back to the email prefix, metadata to {}), [] clears categories", async () => {
    const org = await orgWithCategories();
    const id = idOf(await save(org.apiKey, { ...TELEMETRON_CREATE, metadata: { a: 1 }, categories: ["VIP"] }));
    const res = await save(org.apiKey, {
      telemetronCustomerId: id,
      email: "john.doe@example.com",
      name: null,
      phone: null,
      address: null,
      metadata: null,
      categories: [],
    });
    expect(res.status, res.text).toBe(200);
    const got = await call("GET", GET(id), { key: org.apiKey });
    expect(got.json).toMatchObject({ name: "john.doe", metadata: {}, categories: [] });
    expect(got.json).not.toHaveProperty("phone");
    expect(got.json).not.toHaveProperty("address");
  });

  it("update: customerId is accepted as an alias of telemetronCustomerId", async () => {
    const org = await createOrg();
    const id = idOf(await save(org.apiKey, { email: "alias@example.com" }));
    const res = await save(org.apiKey, { customerId: id, email: "alias@example.com", name: "Aliased" });
    expect(res.json).toEqual({ success: true, telemetronCustomerId: id, message: "Customer updated successfully" });
    expect((await call("GET", GET(id), { key: org.apiKey })).json.name).toBe("Aliased");
    const conflicting = await save(org.apiKey, {
      customerId: id,
      telemetronCustomerId: "00000000-0000-7000-8000-000000000000",
      email: "alias@example.com",
    });
    expect(conflicting.status).toBe(400);
  });

  it("update: a new email becomes the identity that tickets find", async () => {
    const org = await createOrg();
    const id = idOf(await save(org.apiKey, { email: "u@example.com" }));
    expect((await save(org.apiKey, { telemetronCustomerId: id, email: "U2@example.com" })).status).toBe(200);
    const ticket = await createTicket(org.apiKey, { title: "t", customerEmail: "u2@EXAMPLE.com" });
    expect((await getTicket(org.apiKey, ticket.json.ticketId)).json.ticket.customer.id).toBe(id);
  });

  it.each([
    ["an unknown id", () => Promise.resolve("00000000-0000-7000-8000-000000000000")],
    ["Telemetron's non-UUID example id", () => Promise.resolve("customer-uuid-123")],
    ["another organization's customer", async () => idOf(await save((await createOrg()).apiKey, { email: "f@example.com" }))],
  ])("update: 404 with Telemetron's message for %s", async (_, target) => {
    const org = await createOrg();
    const res = await save(org.apiKey, { telemetronCustomerId: await target(), email: "f@example.com", name: "Hijacked" });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({
      success: false,
      error: "Customer not found or does not belong to this organization",
      code: "customer_not_found",
    });
    expect(await rows("select id from customers where name = 'Hijacked'")).toEqual([]);
  });

  it("update: 409 for an email another customer has, naming that customer; 400 for bad categories; nothing changes", async () => {
    const org = await orgWithCategories();
    const a = idOf(await save(org.apiKey, { email: "a@example.com" }));
    const b = idOf(await save(org.apiKey, { email: "b@example.com" }));
    const taken = await save(org.apiKey, { telemetronCustomerId: a, email: "B@example.com" });
    expect(taken.status).toBe(409);
    expect(taken.json).toMatchObject({ success: false, telemetronCustomerId: b, issues: [{ path: "email", message: expect.any(String) }] });
    const bad = await save(org.apiKey, { telemetronCustomerId: a, email: "a@example.com", categories: ["Billing"] });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([{ path: "categories.0", message: expect.any(String) }]);
    expect((await call("GET", GET(a), { key: org.apiKey })).json).toMatchObject({ email: "a@example.com", categories: [] });
  });

  it("validates the body: email required and well-formed, bounded fields, metadata an object", async () => {
    const org = await createOrg();
    const res = await save(org.apiKey, { name: "x".repeat(201), categories: "VIP", metadata: [1] });
    expect(res.status).toBe(400);
    expect(res.json.issues!.map((i: { path: string }) => i.path).sort()).toEqual(["categories", "email", "metadata", "name"]);
    expect((await save(org.apiKey, { email: "not-an-email" })).json.issues![0]!.path).toBe("email");
  });

  it("401 for a missing or revoked key", async () => {
    expect((await call("POST", SAVE, { body: { email: "a@example.com" } })).status).toBe(401);
    const res = await save("tik_unknown", { email: "a@example.com" });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ success: false, error: "Invalid or revoked API key", code: "invalid_api_key" });
  });
});

describe("queryCustomer and getCustomer", () => {
  it("queryCustomer finds by email case-insensitively and answers with the same object as getCustomer", async () => {
    const org = await createOrg();
    const id = idOf(await save(org.apiKey, { email: "Find.Me@Example.com", name: "F" }));
    const found = await call("POST", QUERY, { key: org.apiKey, body: { email: "find.me@EXAMPLE.com" } });
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ success: true, id, email: "Find.Me@Example.com", name: "F", orders: [] });
    expect(found.json).toEqual((await call("GET", GET(id), { key: org.apiKey })).json);
  });

  it("queryCustomer: 404 in another organization, 400 for a missing or malformed email", async () => {
    const org = await createOrg();
    await save(org.apiKey, { email: "find.me@example.com" });
    const other = await createOrg();
    const miss = await call("POST", QUERY, { key: other.apiKey, body: { email: "find.me@example.com" } });
    expect(miss.status).toBe(404);
    expect(miss.json).toEqual({ success: false, error: "Customer not found", code: "customer_not_found" });
    expect((await call("POST", QUERY, { key: org.apiKey, body: { email: "nope" } })).status).toBe(400);
    expect((await call("POST", QUERY, { key: org.apiKey, body: {} })).status).toBe(400);
  });

  it("getCustomer: 404 for another organization's customer or an unknown id, 401 for an unknown key", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const id = idOf(await save(org.apiKey, { email: "mine@example.com" }));
    expect((await call("GET", GET(id), { key: other.apiKey })).status).toBe(404);
    expect((await call("GET", GET("00000000-0000-7000-8000-000000000000"), { key: org.apiKey })).json).toEqual({
      success: false,
      error: "Customer not found",
      code: "customer_not_found",
    });
    expect((await call("GET", GET(id), { key: "tik_unknown" })).status).toBe(401);
  });

  it.each(["cust_a1b2c3d4e5f6", "customer-uuid-123", "x"])("getCustomer: %s is not a UUID, so 400", async (id) => {
    const org = await createOrg();
    const res = await call("GET", GET(id), { key: org.apiKey });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      code: "validation_failed",
      error: "Customer ID must be valid UUID",
      issues: [{ path: "telemetronCustomerId", message: "Customer ID must be valid UUID" }],
    });
  });

  it("queryCustomer without an email: 400 with Telemetron's message", async () => {
    const org = await createOrg();
    const res = await call("POST", QUERY, { key: org.apiKey, body: {} });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: "Email is required",
      code: "validation_failed",
      issues: [{ path: "email", message: "Email is required" }],
    });
  });
});

describe("customer categories in routing", () => {
  it("categories saved through the customer API decide which routing rule a ticket matches", async () => {
    const org = await orgWithCategories();
    await setRoutingRules(org.id, [
      { when: { customerCategory: "VIP" }, assignTo: "@vip-desk" },
      { when: { ticketCategory: "Billing" }, assignTo: "@billing" },
    ]);
    await save(org.apiKey, { email: "vip@example.com", categories: ["vip"] });
    await save(org.apiKey, { email: "plain@example.com" });
    const sends = captureSends();
    for (const [email, assignee] of [
      ["vip@example.com", "@vip-desk"],
      ["plain@example.com", "@billing"],
    ] as const) {
      const { id, message } = await ticketAndMessage(sends, org.apiKey, { title: "Invoice", customerEmail: email, category: "Billing" });
      await runQueue([message]);
      expect((await getTicket(org.apiKey, id)).json.ticket.assignee, email).toBe(assignee);
    }
  });
});
