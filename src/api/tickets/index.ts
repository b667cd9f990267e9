import { createTicketBatch } from "../../db/ticket-create";
import { missingReferences } from "../../db/ticket-create-miss";
import { findAttachment } from "../../db/attachments";
import { decodeCursor, findTicket, listTickets } from "../../db/ticket-queries";
import { errors } from "../../http/errors";
import { acceptReplay, requestHash } from "../../http/idempotency";
import { nowIso } from "../../lib/time";
import { enqueueJobs } from "../../jobs/enqueue";
import { dispatchWebhooks } from "../../webhooks/messages";
import { createRouter } from "../router";
import { resolveDescription } from "./description";
import { createTicketRoute, getAttachmentRoute, getTicketRoute, listTicketsRoute } from "./routes";

const CREATED = "Ticket created successfully";

export const ticketsApi = createRouter();

ticketsApi.openapi(createTicketRoute, async (c) => {
  const body = c.req.valid("json");
  const headers = c.req.valid("header");
  const idempotencyKey = headers["Idempotency-Key"];
  // c.get, not c.var: c.var builds an object of every variable on each access.
  const outcome = await createTicketBatch(
    c.get("d1"),
    {
      keyHash: c.get("keyHash"),
      title: body.title,
      description: resolveDescription(body),
      priority: body.priority,
      customerEmail: body.customerEmail,
      customerId: body.customerId,
      category: body.category,
      deviceIdentifier: body.deviceIdentifier,
      messages: body.messages,
      idempotency: idempotencyKey ? { key: idempotencyKey, requestHash: await requestHash(body) } : undefined,
    },
    nowIso(),
  );

  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "created":
      // The ticket and its outbox rows are committed: the queue message is only a pointer, sent
      // after the response so the client waits for one round trip (D1), not two. A send that fails
      // is logged and recovered by the outbox sweeper.
      c.executionCtx.waitUntil(enqueueJobs(c.env.JOBS, c.var.shard, outcome.jobs));
      // The batch's outbox trigger wrote the `created` event's webhook deliveries; one pointer hands them on.
      if (outcome.webhooks) c.executionCtx.waitUntil(dispatchWebhooks(c.env.WEBHOOKS, c.var.shard, outcome.organizationId));
      return c.json({ success: true as const, ticketId: outcome.ticketId, message: CREATED }, 200);
    case "replay":
      // One transaction decided: a live record for this key means nothing was created now.
      acceptReplay(c, outcome.sameRequest);
      return c.json({ success: true as const, ticketId: outcome.ticketId, message: CREATED }, 200);
    case "not_created": {
      // Failure path only: a second round trip to say why.
      const missing = await missingReferences(c.var.db, outcome.organizationId, body);
      if (missing.customer) throw errors.customerNotFound();
      if (missing.device) throw errors.deviceNotFound();
      throw errors.customerEmailMismatch();
    }
  }
});

ticketsApi.openapi(getTicketRoute, async (c) => {
  const { authorized, ticket } = await findTicket(c.var.db, c.get("keyHash"), c.req.valid("param").ticketId);
  if (!authorized) throw errors.invalidApiKey();
  if (!ticket) throw errors.ticketNotFound();
  return c.json({ success: true as const, ticket }, 200);
});

ticketsApi.openapi(listTicketsRoute, async (c) => {
  const { limit, cursor, ...filters } = c.req.valid("query");
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) throw errors.invalidCursor();
  // Stored timestamps are toISOString() strings; compare the same instant in the same form.
  const updatedAfter = filters.updatedAfter && new Date(filters.updatedAfter).toISOString();
  const page = await listTickets(c.var.db, c.get("keyHash"), { ...filters, updatedAfter }, limit, after);
  if (!page.authorized) throw errors.invalidApiKey();
  return c.json({ success: true as const, tickets: page.tickets, nextCursor: page.nextCursor }, 200);
});

/**
 * An attachment's bytes, from R2, after one D1 read that is the key check and the tenancy check at
 * once: an attachment of another organization is as unknown as one that never existed. Always a
 * download: a browser must never render a customer's HTML or SVG on our origin.
 */
ticketsApi.openapi(getAttachmentRoute, async (c) => {
  const { authorized, attachment } = await findAttachment(c.var.db, c.get("keyHash"), c.req.valid("param").attachmentId);
  if (!authorized) throw errors.invalidApiKey();
  if (!attachment) throw errors.attachmentNotFound();
  const object = await c.env.ATTACHMENTS.get(attachment.r2Key);
  if (!object) throw errors.attachmentNotFound();
  return c.body(object.body, 200, {
    "content-type": attachment.contentType,
    "content-length": String(object.size),
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
  });
});
