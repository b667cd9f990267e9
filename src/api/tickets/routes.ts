import { errors } from "../../http/errors";
import * as z from "zod/mini";
import { createRoute } from "../route";
import { bookmarkHeader, bookmarkResponseHeader, d1Session } from "../../http/d1-session";
import { idempotencyHeader } from "../../http/idempotency";
import { createTicketExamples } from "./examples";
import { apiKeySecurity as security, errorResponses, jsonBody, jsonContent } from "../common";
import { createTicketBody, createTicketResponse, getTicketResponse, listTicketsQuery, listTicketsResponse, ticketIdParam } from "./schemas";

export const createTicketRoute = createRoute({
  operationId: "createTicket",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/createTicket",
  tags: ["Tickets"],
  summary: "Create a ticket",
  security,
  description:
    "Stores the ticket, its messages and (found case-insensitively, or created) its customer, then answers; " +
    "categorization, routing and the Slack notification follow on the queue. Send `Idempotency-Key` to make " +
    "retries safe.",
  request: { body: jsonBody(createTicketBody, createTicketExamples), headers: z.object({ ...idempotencyHeader, ...bookmarkHeader }) },
  responses: {
    200: {
      ...jsonContent(createTicketResponse, "Ticket created (or an idempotent replay of it)"),
      headers: {
        ...bookmarkResponseHeader,
        "idempotency-replayed": {
          description: "`true` when this is the stored response of an earlier request with the same Idempotency-Key",
          schema: { type: "string", enum: ["true"] },
        },
      },
    },
    ...errorResponses(400, 401, { 404: errors.customerNotFound() }, 413, 415, 422, 429, 500),
  },
});

export const getTicketRoute = createRoute({
  operationId: "getTicket",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/ticket/getTicket/{ticketId}",
  tags: ["Tickets"],
  summary: "Get a ticket",
  security,
  request: { params: ticketIdParam, headers: z.object(bookmarkHeader) },
  responses: {
    200: { ...jsonContent(getTicketResponse, "The ticket"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, { 404: errors.ticketNotFound() }, 429, 500),
  },
});

export const listTicketsRoute = createRoute({
  operationId: "listTickets",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/ticket/listTickets",
  tags: ["Tickets"],
  summary: "List tickets, newest first",
  security,
  request: { query: listTicketsQuery, headers: z.object(bookmarkHeader) },
  responses: {
    200: { ...jsonContent(listTicketsResponse, "A page of tickets"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, 429, 500),
  },
});
