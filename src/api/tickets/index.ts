import { createDb } from "../../db/client";
import { findCustomerInOrg } from "../../db/customer-lookup";
import { createTicketBatch } from "../../db/ticket-create";
import { decodeCursor, findTicket, listTickets } from "../../db/ticket-queries";
import { ApiError } from "../../http/errors";
import { nowIso } from "../../lib/time";
import { enqueueJobs } from "../../jobs/enqueue";
import { createRouter } from "../router";
import { resolveDescription } from "./description";
import { createTicketRoute, getTicketRoute, listTicketsRoute } from "./routes";

const INVALID_KEY = "Invalid or revoked API key";

export const ticketsApi = createRouter();

ticketsApi.openapi(createTicketRoute, async (c) => {
  const body = c.req.valid("json");
  const db = createDb(c.env.DB);
  const outcome = await createTicketBatch(
    db,
    {
      keyHash: c.get("keyHash"),
      title: body.title,
      description: resolveDescription(body),
      priority: body.priority,
      customerEmail: body.customerEmail,
      customerId: body.customerId,
      category: body.category,
      messages: body.messages,
    },
    nowIso(),
  );

  switch (outcome.kind) {
    case "unauthorized":
      throw new ApiError(401, INVALID_KEY);
    case "created":
      // The ticket is committed; a failed send is logged and recovered by the outbox sweeper.
      await enqueueJobs(c.env.JOBS, outcome.jobs);
      return c.json({ success: true as const, ticketId: outcome.ticketId, message: "Ticket created successfully" }, 200);
    case "replay":
      throw new ApiError(500, "Unexpected idempotency replay");
    case "not_created": {
      // Failure path only: a second round trip to say why.
      const customer = body.customerId && (await findCustomerInOrg(db, outcome.organizationId, body.customerId));
      if (!customer) throw new ApiError(404, "Customer not found");
      throw new ApiError(400, "Validation failed", [
        { path: "customerEmail", message: "customerEmail does not belong to the customer given by customerId" },
      ]);
    }
  }
});

ticketsApi.openapi(getTicketRoute, async (c) => {
  const { authorized, ticket } = await findTicket(createDb(c.env.DB), c.get("keyHash"), c.req.valid("param").ticketId);
  if (!authorized) throw new ApiError(401, INVALID_KEY);
  if (!ticket) throw new ApiError(404, "Ticket not found");
  return c.json({ success: true as const, ticket }, 200);
});

ticketsApi.openapi(listTicketsRoute, async (c) => {
  const { limit, cursor, ...filters } = c.req.valid("query");
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) {
    throw new ApiError(400, "Validation failed", [{ path: "cursor", message: "Invalid cursor" }]);
  }
  const page = await listTickets(createDb(c.env.DB), c.get("keyHash"), filters, limit, after);
  if (!page.authorized) throw new ApiError(401, INVALID_KEY);
  return c.json({ success: true as const, tickets: page.tickets, nextCursor: page.nextCursor }, 200);
});
