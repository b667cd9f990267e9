import * as z from "zod/mini";
import { createRoute } from "../route";
import { bookmarkHeader, d1Session } from "../../http/d1-session";
import { idempotencyHeader } from "../../http/idempotency";
import { jsonBody } from "../common";
import { addMessagesBody, retryNotificationBody, ticketEventsParams, ticketEventsQuery, updateTicketBody } from "./schemas";

const _tags = ["Ticket lifecycle"];

export const updateTicketRoute = createRoute({
  operationId: "updateTicket",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/updateTicket",
  request: {
    body: jsonBody(updateTicketBody),
    headers: z.object(bookmarkHeader),
  },
});

export const addMessagesRoute = createRoute({
  operationId: "addMessages",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/addMessages",
  request: { body: jsonBody(addMessagesBody), headers: z.object({ ...idempotencyHeader, ...bookmarkHeader }) },
});

export const ticketEventsRoute = createRoute({
  operationId: "getTicketEvents",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/ticket/getTicketEvents/{ticketId}",
  request: { params: ticketEventsParams, query: ticketEventsQuery, headers: z.object(bookmarkHeader) },
});

export const retryNotificationRoute = createRoute({
  operationId: "retryNotification",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/retryNotification",
  request: {
    body: jsonBody(retryNotificationBody),
    headers: z.object(bookmarkHeader),
  },
});
