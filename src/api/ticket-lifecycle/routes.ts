import { errors } from "../../http/errors";
import * as z from "zod/mini";
import { createRoute } from "../route";
import { bookmarkHeader, bookmarkResponseHeader, d1Session } from "../../http/d1-session";
import { idempotencyHeader } from "../../http/idempotency";
import { apiKeySecurity as security, errorResponses, jsonBody, jsonContent } from "../common";
import {
  addMessagesBody,
  addMessagesResponse,
  retryNotificationBody,
  retryNotificationResponse,
  ticketEventsParams,
  ticketEventsQuery,
  ticketEventsResponse,
  updateTicketBody,
  updateTicketResponse,
} from "./schemas";

const tags = ["Ticket lifecycle"];

export const updateTicketRoute = createRoute({
  operationId: "updateTicket",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/updateTicket",
  tags,
  summary: "Change a ticket's status, priority, assignee or category (extension)",
  description:
    "Send only what changes. Each change is recorded as an event; a status change is posted to Slack. With " +
    "`expectedUpdatedAt`, a ticket changed since is a 409 and nothing is written.",
  security,
  request: {
    body: jsonBody(updateTicketBody, {
      take: {
        summary: "An agent takes the ticket",
        value: { ticketId: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b", status: "in_progress", assignee: "@jane" },
      },
    }),
    headers: z.object(bookmarkHeader),
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
});

export const addMessagesRoute = createRoute({
  operationId: "addMessages",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/addMessages",
  tags,
  summary: "Append messages to a ticket (extension)",
  description:
    "Appends 1..100 messages after the existing ones, in order (a ticket holds at most 1,000). A `customer` message " +
    "reopens a `resolved` or `waiting_for_customer` ticket and is posted to Slack. `Idempotency-Key` works as on createTicket.",
  security,
  request: { body: jsonBody(addMessagesBody), headers: z.object({ ...idempotencyHeader, ...bookmarkHeader }) },
  responses: {
    200: { ...jsonContent(addMessagesResponse, "Appended (or an idempotent replay)"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, { 404: errors.ticketNotFound() }, 413, 415, 422, 429, 500),
  },
});

export const ticketEventsRoute = createRoute({
  operationId: "getTicketEvents",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/ticket/getTicketEvents/{ticketId}",
  tags,
  summary: "A ticket's history, oldest first (extension)",
  security,
  request: { params: ticketEventsParams, query: ticketEventsQuery, headers: z.object(bookmarkHeader) },
  responses: {
    200: { ...jsonContent(ticketEventsResponse, "A page of events"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, { 404: errors.ticketNotFound() }, 429, 500),
  },
});

export const retryNotificationRoute = createRoute({
  operationId: "retryNotification",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/retryNotification",
  tags,
  summary: "Retry a ticket's failed Slack posts (extension)",
  description:
    "Hands the ticket's failed Slack posts back to the queue: its first notification (with its categorization, if that failed it) " +
    "and failed reply and status-change posts, which go out in their order, after the first notification. `processing.notification` " +
    "is `pending` again until it is sent; `processing.notificationError` keeps the last error until a post goes out. 409 when nothing failed.",
  security,
  request: {
    body: jsonBody(retryNotificationBody, {
      retry: { summary: "After fixing the Slack webhook", value: { ticketId: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b" } },
    }),
    headers: z.object(bookmarkHeader),
  },
  responses: {
    200: { ...jsonContent(retryNotificationResponse, "Handed back to the queue"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, { 404: errors.ticketNotFound(), 409: errors.nothingToRetry() }, 413, 415, 429, 500),
  },
});
