// Build time only; the worker never imports this module. The response schemas and the webhook
// payload schemas (the event catalogue), which only the OpenAPI document reads (the handlers build
// their answers, typed by their queries; deliveries carry the stored event), and what the document
// says about the request schemas (`describe`: ids, descriptions, examples).
import * as z from "zod/mini";
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from "../../db/webhook-schema";
import { describe } from "../common.docs";
import { eventSchema } from "../ticket-lifecycle/schemas.docs";
import { ticketSchema } from "../tickets/schemas.docs";
import { createEndpointBody, endpointId, endpointIdBody, events, redeliverBody, updateEndpointBody, url } from "./schemas";

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    enabled: z.boolean(),
    description: z.nullable(z.string()),
    disabledReason: z
      .nullable(z.string())
      .register(z.globalRegistry, { description: "Why the service disabled it (a 410 Gone, 5 days of failures); null otherwise." }),
    lastSuccessAt: z.nullable(z.string()).register(z.globalRegistry, { description: "When a delivery last succeeded." }),
    lastFailureAt: z.nullable(z.string()).register(z.globalRegistry, { description: "When an attempt last failed." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: "WebhookEndpoint" });

const SECRET_EXAMPLE = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

export const createEndpointResponse = z
  .object({
    success: z.literal(true),
    endpoint: endpointSchema,
    secret: z.string().register(z.globalRegistry, {
      description: "The signing secret (`whsec_` + base64 of 32 random bytes), shown only here: store it in your receiver.",
      example: SECRET_EXAMPLE,
    }),
  })
  .register(z.globalRegistry, { id: "CreateWebhookEndpointResponse" });

export const listEndpointsResponse = z
  .object({ success: z.literal(true), endpoints: z.array(endpointSchema) })
  .register(z.globalRegistry, { id: "ListWebhookEndpointsResponse" });

export const endpointResponse = z
  .object({ success: z.literal(true), endpoint: endpointSchema })
  .register(z.globalRegistry, { id: "WebhookEndpointResponse" });

export const successResponse = z.object({ success: z.literal(true) }).register(z.globalRegistry, { id: "WebhookSuccessResponse" });

export const rotateSecretResponse = z
  .object({
    success: z.literal(true),
    secret: z
      .string()
      .register(z.globalRegistry, { description: "The new secret. For 24 hours the old one signs too.", example: SECRET_EXAMPLE }),
  })
  .register(z.globalRegistry, { id: "RotateWebhookSecretResponse" });

export const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().register(z.globalRegistry, { description: "The event, also the `webhook-id` header of every attempt." }),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    attempt: z
      .number()
      .check(z.int())
      .register(z.globalRegistry, { description: "1 for the first attempt of a delivery (or a redelivery), then 2, 3, …" }),
    status: z.enum(DELIVERY_STATES),
    responseStatus: z
      .nullable(z.number().check(z.int()))
      .register(z.globalRegistry, { description: "The receiver's HTTP status; null when none came (timeout, connection failure)." }),
    error: z.nullable(z.string()),
    durationMs: z.nullable(z.number().check(z.int())),
    nextAttemptAt: z
      .nullable(z.string())
      .register(z.globalRegistry, { description: "Pending: when it is due. Failed: when it is retried (null after the last attempt)." }),
    createdAt: z.string(),
  })
  .register(z.globalRegistry, { id: "WebhookDelivery" });

export const listDeliveriesResponse = z
  .object({ success: z.literal(true), deliveries: z.array(deliverySchema), nextCursor: z.nullable(z.string()) })
  .register(z.globalRegistry, { id: "ListWebhookDeliveriesResponse" });

export const redeliverResponse = z
  .object({ success: z.literal(true), delivery: deliverySchema })
  .register(z.globalRegistry, { id: "RedeliverWebhookResponse" });

/** The ticket in a webhook payload: getTicket's, without its messages (the event says what changed). */
export const webhookTicketSchema = z.omit(ticketSchema, { messages: true }).register(z.globalRegistry, { id: "WebhookTicket" });

/** One webhook payload schema per event type: the event catalogue of the OpenAPI document's `webhooks`. */
export const webhookPayloadSchema = (type: (typeof WEBHOOK_EVENT_TYPES)[number]) =>
  z
    .object({
      type: z.literal(type),
      timestamp: z.string().register(z.globalRegistry, { description: "When the event happened (ISO 8601)." }),
      data: z.object({
        ticketId: z.string(),
        event: z.extend(eventSchema, { type: z.literal(type.slice("ticket.".length) as never) }),
        ticket: webhookTicketSchema,
      }),
    })
    .register(z.globalRegistry, { id: `WebhookEvent_${type.replace(/\W/g, "_")}` });

// What the document says about the request schemas (the worker validates with them, undescribed).
describe(endpointId, { example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5c" });
describe(url, {
  description:
    "Where events are POSTed: `https://` only, no user name or password, never `localhost`, a `.local`/`.internal` name or an IP " +
    "literal in a loopback, private, link-local or unique-local range (400 with the reason).",
  example: "https://example.com/hooks/ticket-intake",
});
describe(events, {
  description: "The event types it receives; omitted: all of them, including types added later.",
  example: ["ticket.created"],
});
describe(createEndpointBody, { id: "CreateWebhookEndpointRequest" });
describe(updateEndpointBody, { id: "UpdateWebhookEndpointRequest" });
describe(endpointIdBody, { id: "WebhookEndpointIdRequest" });
describe(redeliverBody, { id: "RedeliverWebhookRequest" });
