// A third-party client generated from the published document (docs/openapi.json → openapi-typescript
// → test/support/openapi.d.ts, by `npm run openapi`) driving the API through openapi-fetch, with no
// casts: if the document stops describing what the handlers accept and answer, this file stops
// type-checking or these requests fail.
import { exports } from "cloudflare:workers";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import published from "../../docs/openapi.json";
import { call } from "../support/http";
import type { paths } from "../support/openapi";
import { createOrg } from "../support/orgs";

const clientFor = (apiKey: string) =>
  createClient<paths>({
    baseUrl: "https://ticket-intake.test",
    headers: { "x-api-key": apiKey },
    fetch: (request) => exports.default.fetch(request),
  });

describe("docs/openapi.json", () => {
  it("is the document the worker serves (run `npm run openapi` after changing a route or schema)", async () => {
    const served = await call("GET", "/openapi.json");
    expect(served.json).toEqual(published);
  });
});

describe("a client generated from the document", () => {
  it("creates the README's three tickets and pages through them", async () => {
    const org = await createOrg();
    const client = clientFor(org.apiKey);

    const customer = await client.POST("/api/ext-v1/customer/createOrUpdateCustomer", {
      body: { name: "Jane Roe", email: "jane.roe@example.com" },
    });
    expect(customer.response.status).toBe(200);
    const customerId = customer.data!.telemetronCustomerId;

    // 1. By customer email; 2. by customer id; 3. with messages (the description comes from them).
    const created = await Promise.all([
      client.POST("/api/ext-v1/ticket/createTicket", {
        body: { title: "Refund for a double charge", customerEmail: "new.user@example.com", priority: "high" },
      }),
      client.POST("/api/ext-v1/ticket/createTicket", {
        body: { title: "Cannot export report", customerId, description: "The export button spins forever" },
      }),
      client.POST("/api/ext-v1/ticket/createTicket", {
        body: {
          title: "Login problem",
          customerEmail: "jane.roe@example.com",
          messages: [
            { role: "customer", content: "I cannot log in since yesterday" },
            { role: "bot", content: "Have you tried resetting your password?" },
            { role: "customer", content: "Yes, still an error" },
          ],
        },
      }),
    ]);
    for (const { data, error } of created) {
      expect(error).toBeUndefined();
      expect(data?.message).toBe("Ticket created successfully");
    }
    const ids = created.map(({ data }) => data!.ticketId);

    // Two per page: the cursor the API returns is the only thing a client needs to go on.
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.GET("/api/ext-v1/ticket/listTickets", { params: { query: { limit: 2, cursor } } });
      expect(page.response.status).toBe(200);
      seen.push(...page.data!.tickets.map((t) => t.id));
      cursor = page.data!.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen.sort()).toEqual([...ids].sort());

    const third = await client.GET("/api/ext-v1/ticket/getTicket/{ticketId}", { params: { path: { ticketId: ids[2]! } } });
    expect(third.data!.ticket.customer.email).toBe("jane.roe@example.com");
    expect(third.data!.ticket.description).toContain("I cannot log in since yesterday");
  });

  it("gets the contract's error body, typed, for a request the API refuses", async () => {
    const client = clientFor((await createOrg()).apiKey);
    const { data, error, response } = await client.GET("/api/ext-v1/ticket/getTicket/{ticketId}", {
      params: { path: { ticketId: crypto.randomUUID() } },
    });
    expect(response.status).toBe(404);
    expect(data).toBeUndefined();
    expect(error).toEqual({ success: false, error: "Ticket not found", code: "ticket_not_found" });
  });
});
