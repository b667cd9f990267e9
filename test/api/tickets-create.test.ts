import { describe, expect, it } from "vitest";
import { createUndispatched } from "../support/counting";
import { call } from "../support/http";
import { createOrg, setCategories } from "../support/orgs";
import { CREATE, createTicket, getTicket, rows } from "../support/tickets";

const issuePaths = (json: { issues?: { path: string }[] }) => (json.issues ?? []).map((i) => i.path);

describe("createTicket: success", () => {
  it("by email creates the customer and answers in Telemetron's shape", async () => {
    const org = await createOrg();
    const res = await createUndispatched(org.apiKey, { title: "  Cannot log in  ", customerEmail: "Jane@Example.com", priority: "high" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true, ticketId: expect.any(String), message: "Ticket created successfully" });
    expect(res.json.ticketId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const [ticket] = await rows("select * from tickets where id = ?", res.json.ticketId);
    expect(ticket).toMatchObject({
      organization_id: org.id,
      title: "Cannot log in",
      priority: "high",
      status: "open",
      categorization: "pending",
      notification: "pending",
    });
    const customers = await rows("select * from customers where organization_id = ?", org.id);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ email: "Jane@Example.com", email_lower: "jane@example.com", id: ticket!.customer_id });
    const jobs = await rows<{ id: string; kind: string; status: string }>(
      "select id, kind, status from jobs where ticket_id = ? order by kind",
      res.json.ticketId,
    );
    expect(jobs.map(({ kind, status }) => ({ kind, status }))).toEqual([
      { kind: "categorize", status: "pending" },
      { kind: "notify", status: "pending" },
    ]);
    // The queue carries only a pointer to the committed outbox row, and the shard it is on.
    expect(res.messages).toEqual([{ jobId: jobs[0]!.id, kind: "categorize", ticketId: res.json.ticketId, shard: org.shard }]);
  });

  it("finds the customer case-insensitively instead of creating another", async () => {
    const org = await createOrg();
    const a = await createTicket(org.apiKey, { title: "one", customerEmail: "Sam@Example.com" });
    const b = await createTicket(org.apiKey, { title: "two", customerEmail: "sam@EXAMPLE.com" });
    const [ta, tb] = await Promise.all([getTicket(org.apiKey, a.json.ticketId), getTicket(org.apiKey, b.json.ticketId)]);
    expect(tb.json.ticket.customer.id).toBe(ta.json.ticket.customer.id);
    expect(tb.json.ticket.customer.email).toBe("Sam@Example.com");
    expect(await rows("select id from customers where organization_id = ?", org.id)).toHaveLength(1);
  });

  it("by customerId, and with both fields when they agree", async () => {
    const org = await createOrg();
    const first = await createTicket(org.apiKey, { title: "one", customerEmail: "kim@example.com" });
    const customerId = (await getTicket(org.apiKey, first.json.ticketId)).json.ticket.customer.id;
    const byId = await createTicket(org.apiKey, { title: "two", customerId });
    expect(byId.status).toBe(200);
    const both = await createTicket(org.apiKey, { title: "three", customerId, customerEmail: "KIM@example.com" });
    expect(both.status).toBe(200);
    expect((await getTicket(org.apiKey, both.json.ticketId)).json.ticket.customer.id).toBe(customerId);
  });

  it("defaults priority to medium and keeps a given description", async () => {
    const org = await createOrg();
    const res = await createTicket(org.apiKey, {
      title: "t",
      customerEmail: "d@example.com",
      description: "Exact words",
      messages: [{ role: "customer", content: "ignored for the description" }],
    });
    const { ticket } = (await getTicket(org.apiKey, res.json.ticketId)).json;
    expect(ticket.priority).toBe("medium");
    expect(ticket.description).toBe("Exact words");
  });

  it("builds the description from the messages, in order, when none is given or it is blank", async () => {
    const org = await createOrg();
    const messages = [
      { role: "customer", content: "My invoice is wrong" },
      { role: "bot", content: "Which invoice?" },
      { role: "customer", content: "  INV-42,\n  from March " },
      { role: "agent", content: "Looking into it" },
    ];
    for (const description of [undefined, "   ", null]) {
      const res = await createTicket(org.apiKey, { title: "Invoice", customerEmail: "m@example.com", messages, description });
      expect(res.status).toBe(200);
      const { ticket } = (await getTicket(org.apiKey, res.json.ticketId)).json;
      expect(ticket.description).toBe(
        "Customer: My invoice is wrong\nBot: Which invoice?\nCustomer: INV-42, from March\nAgent: Looking into it",
      );
      expect(ticket.messages).toEqual(messages);
    }
  });

  it("bounds a generated description", async () => {
    const org = await createOrg();
    const messages = Array.from({ length: 40 }, (_, i) => ({ role: "customer", content: `${i} ${"x".repeat(900)}` }));
    const res = await createTicket(org.apiKey, { title: "Long chat", customerEmail: "l@example.com", messages });
    const { ticket } = (await getTicket(org.apiKey, res.json.ticketId)).json;
    expect(ticket.description!.length).toBeLessThanOrEqual(2_100);
    expect(ticket.description).toMatch(/^Customer: 0 x+…\nCustomer: 1 x+…/);
    expect(ticket.description).toMatch(/more messages\)$/);
    expect(ticket.messages).toHaveLength(40);
  });

  it("matches a requested category case-insensitively and skips categorization", async () => {
    const org = await createOrg();
    await setCategories(org.id, [{ name: "Billing" }, { name: "Old", active: false }, { name: "VIP", appliesTo: "customer" }]);
    const matched = await createUndispatched(org.apiKey, { title: "t", customerEmail: "c@example.com", category: " billing " });
    expect((await getTicket(org.apiKey, matched.json.ticketId)).json.ticket).toMatchObject({
      category: "Billing",
      categorySource: "request",
      processing: { categorization: "skipped", notification: "pending" },
    });
    for (const category of ["Old", "VIP", "Nope"]) {
      const res = await createUndispatched(org.apiKey, { title: "t", customerEmail: "c@example.com", category });
      expect(res.status).toBe(200);
      expect((await getTicket(org.apiKey, res.json.ticketId)).json.ticket).toMatchObject({
        category: null,
        categorySource: null,
        processing: { categorization: "pending" },
      });
    }
  });

  it("accepts charset parameters and +json content types", async () => {
    const org = await createOrg();
    for (const type of ["application/json; charset=utf-8", "application/vnd.telemetron+json"]) {
      const res = await createTicket(org.apiKey, { title: "t", customerEmail: "ct@example.com" }, { "content-type": type });
      expect(res.status, type).toBe(200);
    }
  });

  it("40 concurrent first tickets for one email make one customer", async () => {
    const org = await createOrg();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        createTicket(org.apiKey, { title: `race ${i}`, customerEmail: i % 2 ? "Race@Example.com" : "race@example.com" }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    const customers = await rows<{ id: string }>("select id from customers where organization_id = ?", org.id);
    expect(customers).toHaveLength(1);
    const tickets = await rows<{ customer_id: string }>("select customer_id from tickets where organization_id = ?", org.id);
    expect(tickets).toHaveLength(40);
    expect(new Set(tickets.map((t) => t.customer_id))).toEqual(new Set([customers[0]!.id]));
  });
});

describe("createTicket: errors", () => {
  it("a missing or mistyped field is named in plain words", async () => {
    const org = await createOrg();
    const missing = await createTicket(org.apiKey, { customerEmail: "a@example.com" });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      success: false,
      error: "title is required",
      code: "validation_failed",
      issues: [{ path: "title", message: "title is required" }],
    });
    const mistyped = await createTicket(org.apiKey, {
      title: "t",
      customerEmail: "a@example.com",
      messages: [{ role: "customer", content: 1 }],
    });
    expect(mistyped.json.issues).toEqual([{ path: "messages.0.content", message: "messages.0.content must be a string" }]);
  });

  it("an unknown priority alone: 400 whose error names it", async () => {
    const org = await createOrg();
    const res = await createTicket(org.apiKey, { title: "t", customerEmail: "a@example.com", priority: "critical" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: 'Invalid priority "critical": expected one of low, medium, high, urgent',
      code: "validation_failed",
      issues: [{ path: "priority", message: 'Invalid priority "critical": expected one of low, medium, high, urgent' }],
    });
  });

  it("400 with one issue per offending field", async () => {
    const org = await createOrg();
    const res = await createTicket(org.apiKey, {
      title: "",
      priority: "critical",
      customerEmail: "not-an-email",
      messages: [
        { role: "customer", content: "ok" },
        { role: "customer", content: "ok" },
        { role: "robot", content: "x" },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json.success).toBe(false);
    expect(res.json.error).toBe("Validation failed");
    expect(issuePaths(res.json).sort()).toEqual(["customerEmail", "messages.2.role", "priority", "title"]);
    for (const issue of res.json.issues!) expect(issue.message).toEqual(expect.any(String));
  });

  it.each([
    ["a blank title", { title: "   ", customerEmail: "a@example.com" }, "title"],
    ["a 256-character title", { title: "x".repeat(256), customerEmail: "a@example.com" }, "title"],
    ["a missing title", { customerEmail: "a@example.com" }, "title"],
    ["a number as title", { title: 42, customerEmail: "a@example.com" }, "title"],
    ["neither customerEmail nor customerId", { title: "t" }, "customerEmail"],
    ["an empty message", { title: "t", customerEmail: "a@example.com", messages: [{ role: "bot", content: "" }] }, "messages.0.content"],
    ["messages that are not an array", { title: "t", customerEmail: "a@example.com", messages: "hi" }, "messages"],
  ])("400 for %s", async (_, body, path) => {
    const org = await createOrg();
    const res = await createTicket(org.apiKey, body);
    expect(res.status).toBe(400);
    expect(issuePaths(res.json)).toContain(path);
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toHaveLength(0);
  });

  it("accepts a 255-character title", async () => {
    const org = await createOrg();
    expect((await createTicket(org.apiKey, { title: "x".repeat(255), customerEmail: "a@example.com" })).status).toBe(200);
  });

  const JSON_HEADERS = { "content-type": "application/json" };

  it("400 with Telemetron's message for malformed JSON", async () => {
    const org = await createOrg();
    const malformed = await call("POST", CREATE, { key: org.apiKey, rawBody: '{"title": "x",', headers: JSON_HEADERS });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({ success: false, error: "Invalid JSON payload", code: "invalid_json" });
  });

  it.each(["[]", '"text"', "42", "null"])("400 for a JSON body that is not an object: %s", async (raw) => {
    const org = await createOrg();
    const res = await call("POST", CREATE, { key: org.apiKey, rawBody: raw, headers: JSON_HEADERS });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ success: false, error: "Request body must be a JSON object" });
  });

  it("400 for an empty body", async () => {
    const org = await createOrg();
    const empty = await call("POST", CREATE, { key: org.apiKey, headers: JSON_HEADERS });
    expect(empty.status).toBe(400);
    expect(empty.json.success).toBe(false);
  });

  it.each(["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])("415 for a %s body", async (type) => {
    const org = await createOrg();
    const res = await call("POST", CREATE, { key: org.apiKey, rawBody: "title=x", headers: { "content-type": type } });
    expect(res.status).toBe(415);
    expect(res.json).toEqual({ success: false, error: "Content-Type must be application/json", code: "unsupported_media_type" });
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toEqual([]);
  });

  it("404 for a customerId that does not exist or belongs to another organization", async () => {
    const [org, other] = await Promise.all([createOrg(), createOrg()]);
    const foreign = await createTicket(other.apiKey, { title: "t", customerEmail: "theirs@example.com" });
    const foreignCustomer = (await getTicket(other.apiKey, foreign.json.ticketId)).json.ticket.customer.id;
    for (const customerId of ["00000000-0000-7000-8000-000000000000", foreignCustomer]) {
      const res = await createTicket(org.apiKey, { title: "t", customerId });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ success: false, error: "Customer not found", code: "customer_not_found" });
    }
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toHaveLength(0);
  });

  it("400 when customerEmail does not belong to the customer named by customerId", async () => {
    const org = await createOrg();
    const first = await createTicket(org.apiKey, { title: "t", customerEmail: "owner@example.com" });
    const customerId = (await getTicket(org.apiKey, first.json.ticketId)).json.ticket.customer.id;
    const res = await createTicket(org.apiKey, { title: "t", customerId, customerEmail: "someone-else@example.com" });
    expect(res.status).toBe(400);
    expect(issuePaths(res.json)).toEqual(["customerEmail"]);
    expect(await rows("select id from customers where organization_id = ?", org.id)).toHaveLength(1);
    expect(await rows("select id from tickets where organization_id = ?", org.id)).toHaveLength(1);
  });
});
