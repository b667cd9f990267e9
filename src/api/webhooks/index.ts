import { decodeCursor, encodeCursor } from "../../db/ticket-queries";
import {
  createEndpoint,
  deleteEndpoint,
  listDeliveries,
  listEndpoints,
  MAX_WEBHOOK_ENDPOINTS,
  redeliver,
  rotateSecret,
  updateEndpoint,
} from "../../db/webhook-endpoints";
import { errors } from "../../http/errors";
import { newId } from "../../lib/ids";
import { nowIso } from "../../lib/time";
import { newWebhookSecret, sealSecret } from "../../webhooks/secrets";
import { checkWebhookUrl } from "../../webhooks/url";
import { createRouter } from "../router";
import {
  createEndpointRoute,
  deleteEndpointRoute,
  listDeliveriesRoute,
  listEndpointsRoute,
  redeliverRoute,
  rotateSecretRoute,
  updateEndpointRoute,
} from "./routes";

export const webhooksApi = createRouter();

/** The URL rules need the worker's WEBHOOK_ALLOWED_HTTP_ORIGINS, so they run after Zod, as a 400 on `url` with the reason. */
const assertSafeUrl = (url: string, allowed: string | undefined) => {
  const check = checkWebhookUrl(url, allowed);
  if (!check.ok) throw errors.invalidField("url", check.reason);
};

webhooksApi.openapi(createEndpointRoute, async (c) => {
  const body = c.req.valid("json");
  assertSafeUrl(body.url, c.env.WEBHOOK_ALLOWED_HTTP_ORIGINS);
  const id = newId();
  const secret = newWebhookSecret();
  const outcome = await createEndpoint(
    c.var.db,
    c.get("keyHash"),
    {
      id,
      url: body.url,
      events: body.events,
      description: body.description,
      sealedSecret: await sealSecret(secret, id, c.env.WEBHOOK_SECRET_KEY),
    },
    nowIso(),
  );
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "limit":
      throw errors.tooManyWebhookEndpoints(MAX_WEBHOOK_ENDPOINTS);
    case "created":
      return c.json({ success: true as const, endpoint: outcome.endpoint, secret }, 200);
  }
});

webhooksApi.openapi(listEndpointsRoute, async (c) => {
  const { authorized, endpoints } = await listEndpoints(c.var.db, c.get("keyHash"));
  if (!authorized) throw errors.invalidApiKey();
  return c.json({ success: true as const, endpoints }, 200);
});

webhooksApi.openapi(updateEndpointRoute, async (c) => {
  const { endpointId, ...change } = c.req.valid("json");
  if (change.url !== undefined) assertSafeUrl(change.url, c.env.WEBHOOK_ALLOWED_HTTP_ORIGINS);
  const outcome = await updateEndpoint(c.var.db, c.get("keyHash"), endpointId, change, nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "not_found":
      throw errors.webhookEndpointNotFound();
    case "updated":
      return c.json({ success: true as const, endpoint: outcome.endpoint }, 200);
  }
});

webhooksApi.openapi(deleteEndpointRoute, async (c) => {
  const outcome = await deleteEndpoint(c.var.db, c.get("keyHash"), c.req.valid("json").endpointId);
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "not_found":
      throw errors.webhookEndpointNotFound();
    case "deleted":
      return c.json({ success: true as const }, 200);
  }
});

webhooksApi.openapi(rotateSecretRoute, async (c) => {
  const { endpointId } = c.req.valid("json");
  const secret = newWebhookSecret();
  // Sealed under the endpoint's id; a foreign or unknown id updates no row, so the sealed value is simply dropped.
  const sealed = await sealSecret(secret, endpointId, c.env.WEBHOOK_SECRET_KEY);
  const outcome = await rotateSecret(c.var.db, c.get("keyHash"), endpointId, sealed, nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "not_found":
      throw errors.webhookEndpointNotFound();
    case "rotated":
      return c.json({ success: true as const, secret }, 200);
  }
});

webhooksApi.openapi(listDeliveriesRoute, async (c) => {
  const { limit, cursor, endpointId, status } = c.req.valid("query");
  const before = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !before) throw errors.invalidCursor();
  const page = await listDeliveries(c.var.db, c.get("keyHash"), { endpointId, status }, limit, before);
  if (!page.authorized) throw errors.invalidApiKey();
  if (!page.endpointFound) throw errors.webhookEndpointNotFound();
  return c.json({ success: true as const, deliveries: page.deliveries, nextCursor: page.last ? encodeCursor(page.last) : null }, 200);
});

webhooksApi.openapi(redeliverRoute, async (c) => {
  const { eventId, endpointId } = c.req.valid("json");
  const outcome = await redeliver(c.var.db, c.get("keyHash"), { id: newId(), eventId, endpointId }, nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "endpoint_not_found":
      throw errors.webhookEndpointNotFound();
    case "event_not_found":
      throw errors.eventNotFound();
    case "queued": {
      // Stamped as sent in the batch; the sweeper re-sends a lost message.
      const send = c.env.WEBHOOKS.send(
        { type: "deliver", deliveryId: outcome.delivery.id, endpointId, shard: c.var.shard },
        { contentType: "json" },
      ).catch((err: unknown) => console.warn(JSON.stringify({ msg: "redeliver send failed; sweeper will send", error: String(err) })));
      c.executionCtx.waitUntil(send);
      return c.json({ success: true as const, delivery: outcome.delivery }, 200);
    }
  }
});
