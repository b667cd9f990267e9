import { replaceDeviceMetadata, saveDevice } from "../../db/devices";
import { errors } from "../../http/errors";
import { memberKeysInOrder } from "../../lib/json-key-order";
import { nowIso } from "../../lib/time";
import { createRouter } from "../router";
import { bulkMetadataRoute, saveDeviceRoute } from "./routes";
import { BULK_MESSAGES } from "./schemas";

/** The first key `keys` lists a second time, if any. */
const repeatedKey = (keys: readonly string[]) => {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
};

export const devicesApi = createRouter({ telemetron: true });

devicesApi.openapi(saveDeviceRoute, async (c) => {
  const body = c.req.valid("json");
  const outcome = await saveDevice(c.var.db, c.get("keyHash"), body, nowIso());
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "type_required":
      throw errors.deviceTypeRequired();
    case "unknown_categories":
      throw errors.unknownCategories(
        "device",
        outcome.names.map((name) => ({ path: `categories.${body.categories!.indexOf(name)}`, name })),
      );
    case "saved":
      return c.json(
        {
          success: true as const,
          message: outcome.created ? ("Device created successfully" as const) : ("Device updated successfully" as const),
          deviceId: outcome.deviceId,
          identifier: outcome.identifier,
          type: outcome.type,
        },
        200,
      );
  }
});

devicesApi.openapi(bulkMetadataRoute, async (c) => {
  const { devices } = c.req.valid("json");
  // Results follow the keys as the client wrote them (Hono keeps the body text it parsed).
  const order = memberKeysInOrder(await c.req.text(), "devices") ?? Object.keys(devices);
  // The parsed body keeps one copy of a repeated key (the last): the cap counted those, so every
  // copy in the results would lift it, and results from the first `devices` would not be the write.
  if (order === "repeated") throw errors.invalidField("devices", BULK_MESSAGES.repeatedDevices);
  const duplicate = repeatedKey(order);
  if (duplicate !== undefined) {
    throw errors.invalidField(`devices.${duplicate}`, BULK_MESSAGES.duplicate(duplicate));
  }
  // Every value is an object: the schema refused anything else with Telemetron's message.
  const entries = order.map((key) => [key, devices[key] as Record<string, unknown>] as const);
  const result = await replaceDeviceMetadata(c.var.db, c.get("keyHash"), entries, nowIso());
  if (!result) throw errors.invalidApiKey();
  return c.json({ success: true as const, ...result }, 200);
});
