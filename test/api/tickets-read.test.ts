import { describe, expect, it } from "vitest";
import { createUndispatched } from "../support/counting";
import { call } from "../support/http";
import { createOrg, setCategories } from "../support/orgs";
import { getTicket, newTicket } from "../support/tickets";

const LIST = "/api/ext-v1/ticket/listTickets";

const listAll = async (key: string, query: string) => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: `${typeof LIST}?${string}` = `${LIST}?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await call("GET", page, { key });
    expect(res.status).toBe(200);
    seen.push(...res.json.tickets.map((t: { id: string }) => t.id));
    cursor = res.json.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { seen, pages };
};

describe("getTicket", () => {
  it("returns the ticket in the contract's shape", async () => {
    const org = await createOrg();
    const res = await createUndispatched(org.apiKey, {
      title: "Printer on fire",
      customerEmail: "Pat@Example.com",
      priority: "urgent",
      messages: [{ role: "customer", content: "It is on fire" }],
    });
    const got = await getTicket(org.apiKey, res.json.ticketId);
    expect(got.status).toBe(200);
    expect(got.json).toEqual({
      success: true,
      ticket: {
        id: res.json.ticketId,
        title: "Printer on fire",
        description: "Customer: It is on fire",
        priority: "urgent",
        status: "open",
        category: null,
        categorySource: null,
        categoryConfidence: null,
        assignee: null,
        assigneeSource: null,
        channel: "api",
        // A customer created by a ticket is named by its email prefix, as Telemetron does.
        customer: { id: expect.any(String), email: "Pat@Example.com", name: "Pat" },
        device: null,
        messages: [{ role: "customer", content: "It is on fire" }],
        processing: { categorization: "pending", notification: "pending", notificationError: null },
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: expect.stringMatching(/Z$/),
      },
    });
  });

  it("404 for an unknown id and for another organization's ticket", async () => {
    const [org, other] = await Promise.all([createOrg(), createOrg()]);
    const theirs = await newTicket(other.apiKey, { title: "secret" });
    for (const id of ["no-such-ticket", theirs]) {
      const res = await getTicket(org.apiKey, id);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ success: false, error: "Ticket not found", code: "ticket_not_found" });
    }
    expect((await getTicket(other.apiKey, theirs)).status).toBe(200);
  });
});

describe("listTickets", () => {
  it("visits every ticket exactly once, newest first, across pages", async () => {
    const org = await createOrg();
    const created: string[] = [];
    for (let i = 0; i < 23; i++) created.push(await newTicket(org.apiKey, { title: `t${i}` }));
    const { seen, pages } = await listAll(org.apiKey, "limit=5");
    expect(pages).toBe(5);
    expect(seen).toEqual([...created].reverse());
  });

  it("is stable when many tickets share a timestamp", async () => {
    const org = await createOrg();
    const customer = (await getTicket(org.apiKey, await newTicket(org.apiKey, { title: "seed" }))).json.ticket.customer.id;
    const stamp = "2026-01-01T00:00:00.000Z";
    // Same created_at for all: the id breaks ties, so no page skips or repeats a ticket.
    for (let i = 0; i < 12; i++) {
      await org.db
        .prepare(
          `insert into tickets (id, organization_id, customer_id, title, priority, categorization, created_at, updated_at)
         values (?, ?, ?, ?, 'low', 'done', ?, ?)`,
        )
        .bind(`00000000-0000-7000-8000-0000000000${String(i).padStart(2, "0")}`, org.id, customer, `same ${i}`, stamp, stamp)
        .run();
    }
    const { seen } = await listAll(org.apiKey, "limit=5&priority=low");
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
  });

  it("filters by status, priority, category and customer, only within the organization", async () => {
    const [org, other] = await Promise.all([createOrg(), createOrg()]);
    await setCategories(org.id, [{ name: "Billing" }, { name: "Bugs" }]);
    const billing = await newTicket(org.apiKey, { title: "b", category: "billing", priority: "high", customerEmail: "one@example.com" });
    const bug = await newTicket(org.apiKey, { title: "g", category: "Bugs", priority: "low", customerEmail: "two@example.com" });
    await newTicket(other.apiKey, { title: "x", priority: "high" });
    const ids = async (query: string) =>
      (await call("GET", `${LIST}?${query}`, { key: org.apiKey })).json.tickets.map((t: { id: string }) => t.id);

    expect(await ids("priority=high")).toEqual([billing]);
    expect(await ids("category=BILLING")).toEqual([billing]);
    expect(await ids("status=open")).toEqual([bug, billing]);
    expect(await ids("status=resolved")).toEqual([]);
    const bugCustomer = (await getTicket(org.apiKey, bug)).json.ticket.customer.id;
    expect(await ids(`customerId=${bugCustomer}`)).toEqual([bug]);
    expect(await ids("")).toEqual([bug, billing]);
  });

  it("carries each ticket's message count instead of its messages", async () => {
    const org = await createOrg();
    const withMessages = await newTicket(org.apiKey, {
      title: "a",
      messages: [
        { role: "customer", content: "first" },
        { role: "agent", content: "second" },
      ],
    });
    await newTicket(org.apiKey, { title: "b" });
    const res = await call("GET", LIST, { key: org.apiKey });
    expect(res.json.tickets.map((t: { messageCount: number }) => t.messageCount)).toEqual([0, 2]);
    expect(res.json.tickets.every((t: object) => !("messages" in t))).toBe(true);
    const { messages, ...listed } = (await getTicket(org.apiKey, withMessages)).json.ticket;
    expect(messages).toHaveLength(2);
    expect(res.json.tickets[1]).toEqual({ ...listed, messageCount: 2 });
    expect(res.json.nextCursor).toBeNull();
  });

  it("a page of 100 tickets at their maximum size stays a few megabytes", async () => {
    const org = await createOrg();
    const big = Array.from({ length: 100 }, (_, i) => ({ role: "customer", content: `${i}`.padEnd(10_000, "x") }));
    const id = await newTicket(org.apiKey, { title: "x".repeat(255), description: "d".repeat(20_000), messages: big });
    // 99 more copies of it, straight in D1 (creating them through the API would take minutes).
    await org.db
      .prepare(
        `insert into tickets (id, organization_id, customer_id, title, description, priority, categorization, created_at, updated_at)
       select printf('%s-%03d', t.id, n.value), t.organization_id, t.customer_id, t.title, t.description, t.priority, t.categorization, t.created_at, t.updated_at
       from tickets t, json_each('[${Array.from({ length: 99 }, (_, i) => i).join(",")}]') n where t.id = ?`,
      )
      .bind(id)
      .run();
    await org.db
      .prepare(
        `insert into ticket_messages (ticket_id, position, role, content)
       select t.id, m.position, m.role, m.content from tickets t join ticket_messages m on m.ticket_id = ? where t.id like ? || '-%'`,
      )
      .bind(id, id)
      .run();
    const res = await call("GET", `${LIST}?limit=100`, { key: org.apiKey });
    expect(res.status).toBe(200);
    expect(res.json.tickets).toHaveLength(100);
    expect(res.json.tickets.every((t: { messageCount: number }) => t.messageCount === 100)).toBe(true);
    // 100 × (20,000 + 255 + the rest): about 2 MB, where messages would have made it 100 MB.
    expect(res.text.length).toBeLessThan(3_000_000);
  });

  it("filters by category case-insensitively beyond ASCII", async () => {
    const org = await createOrg();
    await setCategories(org.id, [{ name: "Ärger" }, { name: "Ölwechsel" }]);
    const anger = await newTicket(org.apiKey, { title: "a", category: "ärger" });
    await newTicket(org.apiKey, { title: "b", category: "Ölwechsel" });
    const res = await call("GET", `${LIST}?category=${encodeURIComponent("ÄRGER")}`, { key: org.apiKey });
    expect(res.json.tickets.map((t: { id: string }) => t.id)).toEqual([anger]);
  });

  it("400 for bad paging parameters", async () => {
    const org = await createOrg();
    for (const [query, path] of [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=abc", "limit"],
      ["status=closed", "status"],
      ["priority=p1", "priority"],
      ["cursor=!!!", "cursor"],
      [`cursor=${btoa('{"a":1}')}`, "cursor"],
    ] as const) {
      const res = await call("GET", `${LIST}?${query}`, { key: org.apiKey });
      expect(res.status, query).toBe(400);
      expect(
        res.json.issues!.map((i: { path: string }) => i.path),
        query,
      ).toContain(path);
    }
  });
});

/** A ticket whose queue send is captured, so no consumer changes its processing state meanwhile. */
const undispatched = async (key: string, body: Record<string, unknown>): Promise<string> =>
  (await createUndispatched(key, body)).json.ticketId;

describe("listTickets by processing state", () => {
  it("filters by notification", async () => {
    const org = await createOrg();
    const failed = await undispatched(org.apiKey, { title: "Failed", customerEmail: "a@example.com" });
    await undispatched(org.apiKey, { title: "Pending", customerEmail: "b@example.com" });
    await org.db.prepare("update tickets set notification = 'failed' where id = ?").bind(failed).run();
    const { seen } = await listAll(org.apiKey, "notification=failed");
    expect(seen).toEqual([failed]);
  });

  it("filters by categorization", async () => {
    const org = await createOrg();
    const done = await undispatched(org.apiKey, { title: "Done", customerEmail: "a@example.com" });
    const pending = await undispatched(org.apiKey, { title: "Pending", customerEmail: "b@example.com" });
    await org.db.prepare("update tickets set categorization = 'done' where id = ?").bind(done).run();
    expect((await listAll(org.apiKey, "categorization=pending")).seen).toEqual([pending]);
  });

  it("rejects an unknown notification state with a 400 naming it", async () => {
    const org = await createOrg();
    const res = await call("GET", `${LIST}?notification=lost`, { key: org.apiKey });
    expect(res.status).toBe(400);
    expect(res.json.issues?.[0]?.path).toBe("notification");
  });
});
