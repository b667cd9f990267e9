// The webhook endpoints' request schemas (zod/mini, no documentation text: schemas.docs.ts describes
// them, and holds the response and payload schemas, which only the OpenAPI document reads).
import * as z from "zod/mini";
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from "../../db/webhook-schema";
import { pageQuery } from "../common";

export const endpointId = z.string().check(z.minLength(1), z.maxLength(64));

export const url = z.string().check(z.trim(), z.maxLength(2000));

export const events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(z.minLength(1), z.maxLength(WEBHOOK_EVENT_TYPES.length * 2));

const description = z.nullable(z.string().check(z.trim(), z.maxLength(500)));

export const createEndpointBody = z.object({ url, events: z.optional(events), description: z.optional(description) });

export const updateEndpointBody = z
  .object({
    endpointId,
    url: z.optional(url),
    events: z.optional(events),
    enabled: z.optional(z.boolean()),
    description: z.optional(description),
  })
  .check(
    z.refine((b) => b.url !== undefined || b.events !== undefined || b.enabled !== undefined || b.description !== undefined, {
      path: ["url"],
      message: "send at least one of url, events, enabled, description",
    }),
  );

export const endpointIdBody = z.object({ endpointId });

export const listDeliveriesQuery = z.extend(pageQuery, {
  endpointId: z.optional(endpointId),
  status: z.optional(z.enum(DELIVERY_STATES)),
});

export const redeliverBody = z.object({ eventId: z.string().check(z.minLength(1), z.maxLength(64)), endpointId });
