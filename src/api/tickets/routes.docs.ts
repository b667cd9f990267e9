import * as z from "zod/mini";
import { errors } from "../../http/errors";
import { bookmarkResponseHeader } from "../../http/d1-session";
import { createTicketExamples } from "./examples";
import { apiKeySecurity as security, errorResponses, examplesOf, jsonContent } from "../common.docs";
import { createTicketBody } from "./schemas";
import { createTicketResponse, getTicketResponse, listTicketsResponse } from "./schemas.docs";
import type { RouteDocs } from "../route";

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const ticketsDocs: Record<string, RouteDocs> = {
  createTicket: {
    tags: ["Tickets"],
    summary: "Create a ticket",
    security,
    description:
      "Stores the ticket, its messages and (found case-insensitively, or created) its customer, then answers; " +
      "categorization, routing and the Slack notification follow on the queue. Send `Idempotency-Key` to make " +
      "retries safe.",
    body: { examples: examplesOf(createTicketBody, createTicketExamples) },
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
      ...errorResponses(400, 401, { 404: errors.customerNotFound() }, 413, 415, 422, 429, 500, 503),
    },
  },
  getTicket: {
    tags: ["Tickets"],
    summary: "Get a ticket",
    security,
    responses: {
      200: { ...jsonContent(getTicketResponse, "The ticket"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.ticketNotFound() }, 429, 500, 503),
    },
  },
  getAttachment: {
    tags: ["Tickets"],
    summary: "Download an attachment of an email message",
    description:
      "Extension. The bytes of a file that came with an email message (messages list them under `attachments`). Always " +
      "served as a download (`content-disposition: attachment`, `x-content-type-options: nosniff`), whatever its type.",
    security,
    responses: {
      200: {
        description: "The file",
        headers: {
          "content-disposition": { description: "`attachment; filename*=UTF-8''<name>`", schema: { type: "string" } },
          "x-content-type-options": { description: "`nosniff`", schema: { type: "string", enum: ["nosniff"] } },
        },
        content: { "application/octet-stream": { schema: z.string().register(z.globalRegistry, { format: "binary" }) } },
      },
      ...errorResponses(400, 401, { 404: errors.attachmentNotFound() }, 429, 500),
    },
  },
  listTickets: {
    tags: ["Tickets"],
    summary: "List tickets, newest first",
    security,
    responses: {
      200: { ...jsonContent(listTicketsResponse, "A page of tickets"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, 429, 500, 503),
    },
  },
};
