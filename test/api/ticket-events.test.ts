import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { addMessages, eventsPath, storedTicket, updateTicket } from "../support/lifecycle";
import { createOrg } from "../support/orgs";
import { getTicket } from "../support/tickets";

describe("getTicketEvents", () => {
  it("pages through a ticket's events oldest first, each exactly once", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey);
    for (const priority of ["low", "high", "urgent", "medium", "low"]) await updateTicket(org.apiKey, { ticketId: id, priority });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = eventsPath(id, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      const res = await call("GET", page, { key: org.apiKey });
      expect(res.status, res.text).toBe(200);
      seen.push(...res.json.events.map((e: { type: string; data: { to?: string } }) => `${e.type}:${e.data.to ?? ""}`));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([
      "created:",
      "priority_changed:low",
      "priority_changed:high",
      "priority_changed:urgent",
      "priority_changed:medium",
      "priority_changed:low",
    ]);
    expect(pages).toBe(3);
  });

  it("answers the contract's event shape", async () => {
    const org = await createOrg();
    const id = await storedTicket(org.apiKey, { priority: "high" });
    const res = await call("GET", eventsPath(id), { key: org.apiKey });
    expect(res.json).toEqual({
      success: true,
      events: [
        {
          id: expect.any(String),
          type: "created",
          actor: { type: "api", keyPrefix: org.apiKey.slice(0, 12) },
          data: { priority: "high", category: null, deviceId: null },
          createdAt: (await getTicket(org.apiKey, id)).json.ticket.createdAt,
        },
      ],
      nextCursor: null,
    });
  });

  it("404 for an unknown ticket or another organization's, 400 for a bad cursor or limit, 401 without a valid key", async () => {
    const [org, other] = await Promise.all([createOrg(), createOrg()]);
    const theirs = await storedTicket(other.apiKey);
    await addMessages(other.apiKey, { ticketId: theirs, messages: [{ role: "customer", content: "private" }] });
    for (const id of ["00000000-0000-7000-8000-000000000000", theirs]) {
      const res = await call("GET", eventsPath(id), { key: org.apiKey });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ success: false, error: "Ticket not found", code: "ticket_not_found" });
    }
    const mine = await storedTicket(org.apiKey);
    expect((await call("GET", eventsPath(mine, "?cursor=***"), { key: org.apiKey })).status).toBe(400);
    expect((await call("GET", eventsPath(mine, "?limit=101"), { key: org.apiKey })).status).toBe(400);
    expect((await call("GET", eventsPath(mine), { key: "tik_nobody" })).status).toBe(401);
  });
});

describe("listTickets: assignee and updatedAfter", () => {
  it("filters by exact assignee", async () => {
    const org = await createOrg();
    const [a, b] = [await storedTicket(org.apiKey), await storedTicket(org.apiKey)];
    await updateTicket(org.apiKey, { ticketId: a, assignee: "@jane" });
    await updateTicket(org.apiKey, { ticketId: b, assignee: "@bob" });
    const res = await call("GET", "/api/ext-v1/ticket/listTickets?assignee=%40jane", { key: org.apiKey });
    expect(res.json.tickets.map((t: { id: string }) => t.id)).toEqual([a]);
  });

  it("updatedAfter returns only the tickets changed after the instant: how an integration syncs", async () => {
    const org = await createOrg();
    const [a, b, c] = [await storedTicket(org.apiKey), await storedTicket(org.apiKey), await storedTicket(org.apiKey)];
    const checkpoint = (await getTicket(org.apiKey, c)).json.ticket.updatedAt;
    await new Promise((r) => setTimeout(r, 5));
    await updateTicket(org.apiKey, { ticketId: a, status: "in_progress" });
    await addMessages(org.apiKey, { ticketId: b, messages: [{ role: "customer", content: "news" }] });
    const res = await call("GET", `/api/ext-v1/ticket/listTickets?updatedAfter=${encodeURIComponent(checkpoint)}`, { key: org.apiKey });
    expect(res.status, res.text).toBe(200);
    expect(res.json.tickets.map((t: { id: string }) => t.id).sort()).toEqual([a, b].sort());
    expect((await call("GET", "/api/ext-v1/ticket/listTickets?updatedAfter=yesterday", { key: org.apiKey })).status).toBe(400);
  });

  // toISOString() would write them with an expanded year (+010000-…, -000001-…), which sorts before every stored timestamp.
  it.each([
    ["after the year 9999 in UTC", "9999-12-31T23:59:59-23:59"],
    ["before the year 0000 in UTC", "0000-01-01T00:00:00+01:00"],
  ])("updatedAfter %s is a 400 naming the field, not every ticket", async (_, updatedAfter) => {
    const org = await createOrg();
    await storedTicket(org.apiKey);
    const res = await call("GET", `/api/ext-v1/ticket/listTickets?updatedAfter=${encodeURIComponent(updatedAfter)}`, { key: org.apiKey });
    expect(res.status, res.text).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: "updatedAfter must be an instant within the years 0000 to 9999 (UTC)",
      code: "validation_failed",
      issues: [{ path: "updatedAfter", message: "updatedAfter must be an instant within the years 0000 to 9999 (UTC)" }],
    });
  });

  it("updatedAfter at the last instant of the year 9999, with its offset, finds nothing newer", async () => {
    const org = await createOrg();
    await storedTicket(org.apiKey);
    const res = await call("GET", `/api/ext-v1/ticket/listTickets?updatedAfter=${encodeURIComponent("9999-12-31T23:59:59+23:59")}`, {
      key: org.apiKey,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.tickets).toEqual([]);
  });
});
