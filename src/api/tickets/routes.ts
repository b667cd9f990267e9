import * as z from "zod/mini";
import { createRoute } from "../route";
import { bookmarkHeader, d1Session } from "../../http/d1-session";
import { idempotencyHeader } from "../../http/idempotency";
import { jsonBody } from "../common";
import { attachmentIdParam, createTicketBody, listTicketsQuery, ticketIdParam } from "./schemas";

export const createTicketRoute = createRoute({
  operationId: "createTicket",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/ticket/createTicket",
  request: { body: jsonBody(createTicketBody), headers: z.object({ ...idempotencyHeader, ...bookmarkHeader }) },
});

export const getTicketRoute = createRoute({
  operationId: "getTicket",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/ticket/getTicket/{ticketId}",
  request: { params: ticketIdParam, headers: z.object(bookmarkHeader) },
});

export const listTicketsRoute = createRoute({
  operationId: "listTickets",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/ticket/listTickets",
  request: { query: listTicketsQuery, headers: z.object(bookmarkHeader) },
});

export const getAttachmentRoute = createRoute({
  operationId: "getAttachment",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/ticket/getAttachment/{attachmentId}",
  request: { params: attachmentIdParam, headers: z.object(bookmarkHeader) },
});
