// A third-party client generated from the published document (docs/openapi.json → openapi-typescript
// → test/support/openapi.d.ts, by `npm run openapi`) driving the API through openapi-fetch, with no
// casts: if the document stops describing what the handlers accept and answer, this file stops
// type-checking or these requests fail.
import { exports } from "cloudflare:workers";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import published from "../../docs/openapi.json";
import { buildDocument } from "../../src/api/openapi-document";
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
  it("is the document the routes and their schemas make (run `npm run openapi` after changing a route or schema)", async () => {
    expect(await buildDocument()).toEqual(published);
  });

  it("is the document the worker serves", async () => {
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

  it("reads createOrUpdateCustomer's 409 telemetronCustomerId, as documented", async () => {
    const client = clientFor((await createOrg()).apiKey);
    const body = { name: "Jane Roe", email: "jane.conflict@example.com" };
    const first = await client.POST("/api/ext-v1/customer/createOrUpdateCustomer", { body });
    const again = await client.POST("/api/ext-v1/customer/createOrUpdateCustomer", { body });
    expect(again.response.status).toBe(409);
    // Narrowed by the documented key alone, as a client reading the 409 would.
    const conflict = again.error && "telemetronCustomerId" in again.error ? again.error : undefined;
    // Typed by the document: with the key undocumented this line stops compiling.
    const existing: string | undefined = conflict?.telemetronCustomerId;
    expect(existing).toBe(first.data!.telemetronCustomerId);
    expect(conflict?.error).toBe("Customer already exists with this email. Specify telemetronCustomerId to update fields.");
  });

  it("reads unassignDeviceFromOwner's not-assigned 400 keys, as documented", async () => {
    const client = clientFor((await createOrg()).apiKey);
    await client.POST("/api/ext-v1/deviceAssignment/assignDevicesToOwner", {
      body: { customerEmail: "owner@example.com", deviceIdentifiers: ["sensor-001"], autoCreateDevices: true, deviceType: "sensor" },
    });
    await client.POST("/api/ext-v1/device", { body: { identifier: "sensor-002", type: "sensor" } });
    const { error, response } = await client.POST("/api/ext-v1/deviceAssignment/unassignDeviceFromOwner", {
      body: { customerEmail: "owner@example.com", deviceIdentifier: "sensor-002" },
    });
    expect(response.status).toBe(400);
    const notAssigned = error && "currentDevices" in error ? error : undefined;
    expect(notAssigned?.deviceIdentifier).toBe("sensor-002");
    const current: string[] | undefined = notAssigned?.currentDevices;
    expect(current).toEqual(["sensor-001"]);
    expect(typeof notAssigned?.customerId).toBe("string");
  });
});
