import * as z from "zod";
import { errors } from "../../http/errors";
import { bookmarkHeader, bookmarkResponseHeader, d1Session } from "../../http/d1-session";
import { apiKeySecurity as security, errorResponses, jsonBody, jsonContent } from "../common";
import { createRoute } from "../route";
import {
  createEndpointBody,
  createEndpointResponse,
  endpointIdBody,
  endpointResponse,
  listDeliveriesQuery,
  listDeliveriesResponse,
  listEndpointsResponse,
  redeliverBody,
  redeliverResponse,
  rotateSecretResponse,
  successResponse,
  updateEndpointBody,
} from "./schemas";

const tags = ["Webhooks"];
const headers = z.object(bookmarkHeader);
const notFound = { 404: errors.webhookEndpointNotFound() };

export const createEndpointRoute = createRoute({
  operationId: "createEndpoint",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/createEndpoint",
  tags,
  summary: "Register a webhook endpoint (extension)",
  description:
    "Every ticket event of the organization (or those of the listed `events`) is POSTed to `url`, signed per the Standard Webhooks " +
    "specification with the returned `secret`, which is shown only here and by rotateSecret. At most 10 endpoints (409 beyond).",
  security,
  request: {
    body: jsonBody(createEndpointBody, {
      all: { summary: "Every event", value: { url: "https://example.com/hooks/ticket-intake" } },
      some: {
        summary: "Only new tickets and status changes",
        value: { url: "https://example.com/hooks/tickets", events: ["ticket.created", "ticket.status_changed"], description: "CRM sync" },
      },
    }),
    headers,
  },
  responses: {
    200: { ...jsonContent(createEndpointResponse, "The endpoint and its signing secret"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, { 409: errors.tooManyWebhookEndpoints(10) }, 413, 415, 429, 500),
  },
});

export const listEndpointsRoute = createRoute({
  operationId: "listEndpoints",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/webhook/listEndpoints",
  tags,
  summary: "The organization's webhook endpoints (extension)",
  description: "Oldest first, each with its last success and failure (secrets are never shown again).",
  security,
  request: { headers },
  responses: {
    200: { ...jsonContent(listEndpointsResponse, "The endpoints"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, 429, 500),
  },
});

export const updateEndpointRoute = createRoute({
  operationId: "updateEndpoint",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/updateEndpoint",
  tags,
  summary: "Change a webhook endpoint (extension)",
  description:
    "Send only what changes. `enabled: true` re-enables an endpoint the service disabled (after a 410 or 5 days of failures); " +
    "deliveries that failed meanwhile can be sent again with redeliver.",
  security,
  request: { body: jsonBody(updateEndpointBody), headers },
  responses: {
    200: { ...jsonContent(endpointResponse, "The endpoint as it now is"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, notFound, 413, 415, 429, 500),
  },
});

export const deleteEndpointRoute = createRoute({
  operationId: "deleteEndpoint",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/deleteEndpoint",
  tags,
  summary: "Delete a webhook endpoint and its delivery log (extension)",
  security,
  request: { body: jsonBody(endpointIdBody), headers },
  responses: {
    200: { ...jsonContent(successResponse, "Deleted"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, notFound, 413, 415, 429, 500),
  },
});

export const rotateSecretRoute = createRoute({
  operationId: "rotateSecret",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/rotateSecret",
  tags,
  summary: "Replace an endpoint's signing secret (extension)",
  description:
    "Returns the new secret. For 24 hours every delivery carries two signatures, by the new and by the old secret " +
    "(space-separated in `webhook-signature`), so receivers can switch without losing an event.",
  security,
  request: { body: jsonBody(endpointIdBody), headers },
  responses: {
    200: { ...jsonContent(rotateSecretResponse, "The new secret"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, notFound, 413, 415, 429, 500),
  },
});

export const listDeliveriesRoute = createRoute({
  operationId: "listDeliveries",
  middleware: [d1Session("read")] as const,
  method: "get",
  path: "/api/ext-v1/webhook/listDeliveries",
  tags,
  summary: "Delivery attempts, newest first (extension)",
  description:
    "One entry per attempt: its status, the receiver's status code, the error, how long it took and when the next attempt is due.",
  security,
  request: { query: listDeliveriesQuery, headers },
  responses: {
    200: { ...jsonContent(listDeliveriesResponse, "A page of attempts"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, notFound, 429, 500),
  },
});

export const redeliverRoute = createRoute({
  operationId: "redeliver",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/webhook/redeliver",
  tags,
  summary: "Deliver one event to an endpoint again (extension)",
  description: "A fresh delivery (attempt 1, retried on the schedule) with the same `webhook-id`, so a receiver that has it can tell.",
  security,
  request: { body: jsonBody(redeliverBody), headers },
  responses: {
    200: { ...jsonContent(redeliverResponse, "The new delivery, pending"), headers: bookmarkResponseHeader },
    ...errorResponses(400, 401, notFound, 413, 415, 429, 500),
  },
});
