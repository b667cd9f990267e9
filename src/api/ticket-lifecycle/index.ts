import { retryNotification } from "../../db/job-retry";
import { addMessagesBatch, MAX_TICKET_MESSAGES } from "../../db/ticket-add-messages";
import { listTicketEvents } from "../../db/ticket-events";
import { decodeCursor, encodeCursor } from "../../db/ticket-queries";
import { updateTicket } from "../../db/ticket-update";
import { errors } from "../../http/errors";
import { acceptReplay, requestHash } from "../../http/idempotency";
import { nowIso } from "../../lib/time";
import { enqueueJobs } from "../../jobs/enqueue";
import { dispatchWebhooks } from "../../webhooks/messages";
import { createRouter } from "../router";
import { addMessagesRoute, retryNotificationRoute, ticketEventsRoute, updateTicketRoute } from "./routes";

export const ticketLifecycleApi = createRouter();

/** Stored timestamps are `toISOString()`; a client may send the same instant with an offset. */
const canonicalInstant = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso).toISOString());

ticketLifecycleApi.openapi(updateTicketRoute, async (c) => {
  const { ticketId, expectedUpdatedAt, ...change } = c.req.valid("json");
  const outcome = await updateTicket(c.var.db, c.get("keyHash"), ticketId, change, canonicalInstant(expectedUpdatedAt), nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "not_found":
      throw errors.ticketNotFound();
    case "conflict":
      throw errors.ticketChanged(outcome.updatedAt);
    case "unknown_category":
      throw errors.unknownCategories("ticket", [{ path: "category", name: change.category! }]);
    case "updated":
      // Committed with its outbox rows; sent after the response, like createTicket's (the sweeper recovers a lost send).
      c.executionCtx.waitUntil(enqueueJobs(c.env.JOBS, c.var.shard, outcome.jobs));
      if (outcome.webhooks) c.executionCtx.waitUntil(dispatchWebhooks(c.env.WEBHOOKS, c.var.shard, outcome.organizationId));
      return c.json({ success: true as const, ticket: outcome.ticket }, 200);
  }
});

ticketLifecycleApi.openapi(addMessagesRoute, async (c) => {
  const body = c.req.valid("json");
  const idempotencyKey = c.req.valid("header")["Idempotency-Key"];
  const outcome = await addMessagesBatch(
    c.var.d1,
    {
      keyHash: c.get("keyHash"),
      ticketId: body.ticketId,
      messages: body.messages,
      notifyCustomer: body.notifyCustomer,
      // The path is part of the hash: a key first used for another endpoint is a 422 here.
      idempotency: idempotencyKey ? { key: idempotencyKey, requestHash: await requestHash({ addMessages: body }) } : undefined,
    },
    nowIso(),
  );
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "not_found":
      throw errors.ticketNotFound();
    case "too_many":
      throw errors.tooManyMessages(outcome.messageCount, MAX_TICKET_MESSAGES);
    case "replay":
      // A stored response without a count cannot be replayed here: answered as a mismatch.
      acceptReplay(c, outcome.sameRequest && outcome.messageCount !== undefined);
      return c.json({ success: true as const, ticketId: outcome.ticketId, messageCount: outcome.messageCount }, 200);
    case "added":
      c.executionCtx.waitUntil(enqueueJobs(c.env.JOBS, c.var.shard, outcome.jobs));
      if (outcome.webhooks) c.executionCtx.waitUntil(dispatchWebhooks(c.env.WEBHOOKS, c.var.shard, outcome.organizationId));
      return c.json({ success: true as const, ticketId: body.ticketId, messageCount: outcome.messageCount }, 200);
  }
});

ticketLifecycleApi.openapi(ticketEventsRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) throw errors.invalidCursor();
  const page = await listTicketEvents(c.var.db, c.get("keyHash"), c.req.valid("param").ticketId, limit, after);
  if (!page.authorized) throw errors.invalidApiKey();
  if (!page.found) throw errors.ticketNotFound();
  return c.json({ success: true as const, events: page.events, nextCursor: page.last ? encodeCursor(page.last) : null }, 200);
});

ticketLifecycleApi.openapi(retryNotificationRoute, async (c) => {
  const { ticketId } = c.req.valid("json");
  const outcome = await retryNotification(c.var.db, c.get("keyHash"), ticketId, nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "not_found":
      throw errors.ticketNotFound();
    case "nothing_failed":
      throw errors.nothingToRetry();
    case "retried":
      // Committed as pending outbox rows; sent after the response (the sweeper recovers a lost send).
      c.executionCtx.waitUntil(enqueueJobs(c.env.JOBS, c.var.shard, outcome.jobs));
      return c.json({ success: true as const, ticketId, retried: outcome.jobs.length, more: outcome.more }, 200);
  }
});
