import { bookmarkResponseHeader } from "../../http/d1-session";
import { errors } from "../../http/errors";
import { MAX_WEBHOOK_ENDPOINTS } from "../../db/webhook-endpoints";
import { apiKeySecurity as security, errorResponses, examplesOf, jsonContent } from "../common.docs";
import type { RouteDocs } from "../route";
import { createEndpointBody } from "./schemas";
import {
  createEndpointResponse,
  endpointResponse,
  listDeliveriesResponse,
  listEndpointsResponse,
  redeliverResponse,
  rotateSecretResponse,
  successResponse,
} from "./schemas.docs";

const tags = ["Webhooks"];
const notFound = { 404: errors.webhookEndpointNotFound() };

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const webhooksDocs: Record<string, RouteDocs> = {
  createEndpoint: {
    tags,
    summary: "Register a webhook endpoint (extension)",
    description:
      "Every ticket event of the organization (or those of the listed `events`) is POSTed to `url`, signed per the Standard Webhooks " +
      `specification with the returned \`secret\`, which is shown only here and by rotateSecret. At most ${MAX_WEBHOOK_ENDPOINTS} endpoints (409 beyond).`,
    security,
    body: {
      examples: examplesOf(createEndpointBody, {
        all: { summary: "Every event", value: { url: "https://example.com/hooks/ticket-intake" } },
        some: {
          summary: "Only new tickets and status changes",
          value: { url: "https://example.com/hooks/tickets", events: ["ticket.created", "ticket.status_changed"], description: "CRM sync" },
        },
      }),
    },
    responses: {
      200: { ...jsonContent(createEndpointResponse, "The endpoint and its signing secret"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 409: errors.tooManyWebhookEndpoints(MAX_WEBHOOK_ENDPOINTS) }, 413, 415, 429, 500, 503),
    },
  },
  listEndpoints: {
    tags,
    summary: "The organization's webhook endpoints (extension)",
    description: "Oldest first, each with its last success and failure (secrets are never shown again).",
    security,
    responses: {
      200: { ...jsonContent(listEndpointsResponse, "The endpoints"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, 429, 500, 503),
    },
  },
  updateEndpoint: {
    tags,
    summary: "Change a webhook endpoint (extension)",
    description:
      "Send only what changes. `enabled: true` re-enables an endpoint the service disabled (after a 410 or 5 days of failures); " +
      "deliveries that failed meanwhile can be sent again with redeliver.",
    security,
    responses: {
      200: { ...jsonContent(endpointResponse, "The endpoint as it now is"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, notFound, 413, 415, 429, 500, 503),
    },
  },
  deleteEndpoint: {
    tags,
    summary: "Delete a webhook endpoint and its delivery log (extension)",
    security,
    responses: {
      200: { ...jsonContent(successResponse, "Deleted"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, notFound, 413, 415, 429, 500, 503),
    },
  },
  rotateSecret: {
    tags,
    summary: "Replace an endpoint's signing secret (extension)",
    description:
      "Returns the new secret. For 24 hours every delivery carries two signatures, by the new and by the old secret " +
      "(space-separated in `webhook-signature`), so receivers can switch without losing an event.",
    security,
    responses: {
      200: { ...jsonContent(rotateSecretResponse, "The new secret"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, notFound, 413, 415, 429, 500, 503),
    },
  },
  listDeliveries: {
    tags,
    summary: "Delivery attempts, newest first (extension)",
    description:
      "One entry per attempt: its status, the receiver's status code, the error, how long it took and when the next attempt is due.",
    security,
    responses: {
      200: { ...jsonContent(listDeliveriesResponse, "A page of attempts"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, notFound, 429, 500, 503),
    },
  },
  redeliver: {
    tags,
    summary: "Deliver one event to an endpoint again (extension)",
    description: "A fresh delivery (attempt 1, retried on the schedule) with the same `webhook-id`, so a receiver that has it can tell.",
    security,
    responses: {
      200: { ...jsonContent(redeliverResponse, "The new delivery, pending"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, notFound, 413, 415, 429, 500, 503),
    },
  },
};
