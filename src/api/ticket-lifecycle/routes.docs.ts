import { errors } from "../../http/errors";
import { bookmarkResponseHeader } from "../../http/d1-session";
import { apiKeySecurity as security, errorResponses, examplesOf, jsonContent } from "../common.docs";
import { retryNotificationBody, updateTicketBody } from "./schemas";
import { addMessagesResponse, retryNotificationResponse, ticketEventsResponse, updateTicketResponse } from "./schemas.docs";
import type { RouteDocs } from "../route";

const tags = ["Ticket lifecycle"];

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const ticketLifecycleDocs: Record<string, RouteDocs> = {
  updateTicket: {
    tags,
    summary: "Change a ticket's status, priority, assignee or category (extension)",
    description:
      "Send only what changes. Each change is recorded as an event; a status change is posted to Slack. With " +
      "`expectedUpdatedAt`, a ticket changed since is a 409 and nothing is written.",
    security,
    body: {
      examples: examplesOf(updateTicketBody, {
        take: {
          summary: "An agent takes the ticket",
          value: { ticketId: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b", status: "in_progress", assignee: "@jane" },
        },
      }),
    },
    responses: {
      200: { ...jsonContent(updateTicketResponse, "The ticket as it now is"), headers: bookmarkResponseHeader },
      ...errorResponses(
        400,
        401,
        { 404: errors.ticketNotFound(), 409: errors.ticketChanged("2026-01-15T09:30:00.000Z") },
        413,
        415,
        429,
        500,
      ),
    },
  },
  addMessages: {
    tags,
    summary: "Append messages to a ticket (extension)",
    description:
      "Appends 1..100 messages after the existing ones, in order (a ticket holds at most 1,000). A `customer` message " +
      "reopens a `resolved` or `waiting_for_customer` ticket and is posted to Slack. `Idempotency-Key` works as on createTicket.",
    security,
    responses: {
      200: { ...jsonContent(addMessagesResponse, "Appended (or an idempotent replay)"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.ticketNotFound() }, 413, 415, 422, 429, 500, 503),
    },
  },
  getTicketEvents: {
    tags,
    summary: "A ticket's history, oldest first (extension)",
    security,
    responses: {
      200: { ...jsonContent(ticketEventsResponse, "A page of events"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.ticketNotFound() }, 429, 500, 503),
    },
  },
  retryNotification: {
    tags,
    summary: "Retry a ticket's failed Slack posts (extension)",
    description:
      "Hands the ticket's failed Slack posts back to the queue: its first notification (with its categorization, if that failed it) " +
      "and failed reply and status-change posts, which go out in their order, after the first notification. `processing.notification` " +
      "is `pending` again until it is sent; `processing.notificationError` keeps the last error until a post goes out. 409 when nothing failed.",
    security,
    body: {
      examples: examplesOf(retryNotificationBody, {
        retry: { summary: "After fixing the Slack webhook", value: { ticketId: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b" } },
      }),
    },
    responses: {
      200: { ...jsonContent(retryNotificationResponse, "Handed back to the queue"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.ticketNotFound(), 409: errors.nothingToRetry() }, 413, 415, 429, 500, 503),
    },
  },
};
