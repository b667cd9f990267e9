import * as z from "zod";
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from "../../db/webhook-schema";
import { pageQuery } from "../common";
import { eventSchema } from "../ticket-lifecycle/schemas";
import { ticketSchema } from "../tickets/schemas";

const endpointId = z.string().min(1).max(64).meta({ example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5c" });

const url = z
  .string()
  .trim()
  .max(2000)
  .meta({
    description:
      "Where events are POSTed: `https://` only, no user name or password, never `localhost`, a `.local`/`.internal` name or an IP " +
      "literal in a loopback, private, link-local or unique-local range (400 with the reason).",
    example: "https://example.com/hooks/ticket-intake",
  });

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .meta({ description: "The event types it receives; omitted: all of them, including types added later.", example: ["ticket.created"] });

const description = z.string().trim().max(500).nullable();

export const createEndpointBody = z
  .object({ url, events: events.optional(), description: description.optional() })
  .meta({ id: "CreateWebhookEndpointRequest" });

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    enabled: z.boolean(),
    description: z.string().nullable(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: "Why the service disabled it (a 410 Gone, 5 days of failures); null otherwise." }),
    lastSuccessAt: z.string().nullable().meta({ description: "When a delivery last succeeded." }),
    lastFailureAt: z.string().nullable().meta({ description: "When an attempt last failed." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "WebhookEndpoint" });

const secret = z.string().meta({
  description: "The signing secret (`whsec_` + base64 of 32 random bytes), shown only here: store it in your receiver.",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const createEndpointResponse = z
  .object({ success: z.literal(true), endpoint: endpointSchema, secret })
  .meta({ id: "CreateWebhookEndpointResponse" });

export const listEndpointsResponse = z
  .object({ success: z.literal(true), endpoints: z.array(endpointSchema) })
  .meta({ id: "ListWebhookEndpointsResponse" });

export const updateEndpointBody = z
  .object({
    endpointId,
    url: url.optional(),
    events: events.optional(),
    enabled: z.boolean().optional(),
    description: description.optional(),
  })
  .refine((b) => b.url !== undefined || b.events !== undefined || b.enabled !== undefined || b.description !== undefined, {
    path: ["url"],
    message: "send at least one of url, events, enabled, description",
  })
  .meta({ id: "UpdateWebhookEndpointRequest" });

export const endpointResponse = z.object({ success: z.literal(true), endpoint: endpointSchema }).meta({ id: "WebhookEndpointResponse" });

export const endpointIdBody = z.object({ endpointId }).meta({ id: "WebhookEndpointIdRequest" });

export const successResponse = z.object({ success: z.literal(true) }).meta({ id: "WebhookSuccessResponse" });

export const rotateSecretResponse = z
  .object({ success: z.literal(true), secret: secret.meta({ description: "The new secret. For 24 hours the old one signs too." }) })
  .meta({ id: "RotateWebhookSecretResponse" });

export const listDeliveriesQuery = pageQuery.extend({
  endpointId: endpointId.optional(),
  status: z.enum(DELIVERY_STATES).optional(),
});

export const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().meta({ description: "The event, also the `webhook-id` header of every attempt." }),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    attempt: z.number().int().meta({ description: "1 for the first attempt of a delivery (or a redelivery), then 2, 3, …" }),
    status: z.enum(DELIVERY_STATES),
    responseStatus: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The receiver's HTTP status; null when none came (timeout, connection failure)." }),
    error: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    nextAttemptAt: z
      .string()
      .nullable()
      .meta({ description: "Pending: when it is due. Failed: when it is retried (null after the last attempt)." }),
    createdAt: z.string(),
  })
  .meta({ id: "WebhookDelivery" });

export const listDeliveriesResponse = z
  .object({ success: z.literal(true), deliveries: z.array(deliverySchema), nextCursor: z.string().nullable() })
  .meta({ id: "ListWebhookDeliveriesResponse" });

export const redeliverBody = z.object({ eventId: z.string().min(1).max(64), endpointId }).meta({ id: "RedeliverWebhookRequest" });

export const redeliverResponse = z.object({ success: z.literal(true), delivery: deliverySchema }).meta({ id: "RedeliverWebhookResponse" });

/** The ticket in a webhook payload: getTicket's, without its messages (the event says what changed). */
export const webhookTicketSchema = ticketSchema.omit({ messages: true }).meta({ id: "WebhookTicket" });

/** One webhook payload schema per event type: the event catalogue of the OpenAPI document's `webhooks`. */
export const webhookPayloadSchema = (type: (typeof WEBHOOK_EVENT_TYPES)[number]) =>
  z
    .object({
      type: z.literal(type),
      timestamp: z.string().meta({ description: "When the event happened (ISO 8601)." }),
      data: z.object({
        ticketId: z.string(),
        event: eventSchema.extend({ type: z.literal(type.slice("ticket.".length) as never) }),
        ticket: webhookTicketSchema,
      }),
    })
    .meta({ id: `WebhookEvent_${type.replace(/\W/g, "_")}` });
