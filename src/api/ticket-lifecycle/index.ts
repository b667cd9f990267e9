import { retryNotification } from "../../db/job-retry";
import { addMessagesBatch } from "../../db/ticket-add-messages";
import { listTicketEvents } from "../../db/ticket-events";
import { decodeCursor, encodeCursor } from "../../db/ticket-queries";
import { updateTicket } from "../../db/ticket-update";
import { ApiError, invalidApiKey } from "../../http/errors";
import { requestHash } from "../../http/idempotency";
import { nowIso } from "../../lib/time";
import { enqueueJobs } from "../../jobs/enqueue";
import { createRouter } from "../router";
import { addMessagesRoute, retryNotificationRoute, ticketEventsRoute, updateTicketRoute } from "./routes";

export const ticketLifecycleApi = createRouter();

const notFound = () => new ApiError(404, "Ticket not found");

/** Stored timestamps are `toISOString()`; a client may send the same instant with an offset. */
const canonicalInstant = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso).toISOString());

ticketLifecycleApi.openapi(updateTicketRoute, async (c) => {
  const { ticketId, expectedUpdatedAt, ...change } = c.req.valid("json");
  const outcome = await updateTicket(c.var.db, c.get("keyHash"), ticketId, change, canonicalInstant(expectedUpdatedAt), nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw invalidApiKey();
    case "not_found":
      throw notFound();
    case "conflict":
      throw new ApiError(409, "The ticket changed since expectedUpdatedAt; read it again and retry", [
        { path: "expectedUpdatedAt", message: `the ticket's updatedAt is now ${outcome.updatedAt}` },
      ]);
    case "unknown_category":
      throw new ApiError(400, "Validation failed", [
        { path: "category", message: `"${change.category}" is not an active ticket category of this organization` },
      ]);
    case "updated":
      // Committed with its outbox rows; sent after the response, like createTicket's (the sweeper recovers a lost send).
      c.executionCtx.waitUntil(enqueueJobs(c.env.JOBS, outcome.jobs));
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
      // The path is part of the hash: a key first used for another endpoint is a 422 here.
      idempotency: idempotencyKey ? { key: idempotencyKey, requestHash: await requestHash({ addMessages: body }) } : undefined,
    },
    nowIso(),
  );
  switch (outcome.kind) {
    case "unauthorized":
      throw invalidApiKey();
    case "not_found":
      throw notFound();
    case "too_many":
      throw new ApiError(400, "Validation failed", [
        { path: "messages", message: `a ticket holds at most 1000 messages; this one has ${outcome.messageCount}` },
      ]);
    case "replay":
      if (!outcome.sameRequest || outcome.messageCount === undefined) {
        throw new ApiError(422, "Idempotency-Key was already used with a different request body", [
          { path: "Idempotency-Key", message: "reuse a key only to retry the identical request" },
        ]);
      }
      c.header("idempotency-replayed", "true");
      return c.json({ success: true as const, ticketId: outcome.ticketId, messageCount: outcome.messageCount }, 200);
    case "added":
      c.executionCtx.waitUntil(enqueueJobs(c.env.JOBS, outcome.jobs));
      return c.json({ success: true as const, ticketId: body.ticketId, messageCount: outcome.messageCount }, 200);
  }
});

ticketLifecycleApi.openapi(ticketEventsRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !after) throw new ApiError(400, "Validation failed", [{ path: "cursor", message: "Invalid cursor" }]);
  const page = await listTicketEvents(c.var.db, c.get("keyHash"), c.req.valid("param").ticketId, limit, after);
  if (!page.authorized) throw invalidApiKey();
  if (!page.found) throw notFound();
  return c.json({ success: true as const, events: page.events, nextCursor: page.last ? encodeCursor(page.last) : null }, 200);
});

ticketLifecycleApi.openapi(retryNotificationRoute, async (c) => {
  const { ticketId } = c.req.valid("json");
  const outcome = await retryNotification(c.var.db, c.get("keyHash"), ticketId, nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw invalidApiKey();
    case "not_found":
      throw notFound();
    case "nothing_failed":
      throw new ApiError(409, "Nothing to retry: none of this ticket's Slack posts failed");
    case "retried":
      // Committed as pending outbox rows; sent after the response (the sweeper recovers a lost send).
      c.executionCtx.waitUntil(enqueueJobs(c.env.JOBS, outcome.jobs));
      return c.json({ success: true as const, ticketId, retried: outcome.jobs.length }, 200);
  }
});
