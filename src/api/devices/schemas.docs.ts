// Build time only; the worker never imports this module. The response schemas, which only the
// OpenAPI document reads (the handlers build their answers, typed by their queries), and what the
// document says about the request schemas (`describe`: ids, descriptions, examples).
import * as z from "zod/mini";
import { DEVICE_LIMITS, bulkMetadataBody, saveDeviceBody } from "./schemas";
import { MAX_JSON_DEPTH } from "../../lib/json-depth";
import { describe } from "../common.docs";

export const savedDeviceResponse = z
  .object({
    success: z.literal(true),
    message: z.enum(["Device created successfully", "Device updated successfully"]),
    deviceId: z.string(),
    identifier: z.string(),
    type: z.nullable(z.string()),
  })
  .register(z.globalRegistry, { id: "SavedDeviceResponse" });

export const bulkMetadataResponse = z
  .object({
    success: z.literal(true),
    updated: z.number().check(z.int()),
    notFound: z.number().check(z.int()),
    results: z.array(
      z.object({
        identifier: z.string(),
        deviceId: z.string().register(z.globalRegistry, { description: '"" when not found' }),
        status: z.enum(["updated", "not_found"]),
      }),
    ),
  })
  .register(z.globalRegistry, { id: "BulkMetadataResponse" });

// What the document says about the request schemas (the worker validates with them, undescribed).
describe(saveDeviceBody.shape.identifier, { description: "Unique per organization (trimmed, compared exactly).", example: "sensor-001" });
describe(saveDeviceBody.shape.type, { description: "Required to create a device; optional on update.", example: "sensor" });
describe(saveDeviceBody.shape.properties, {
  description: `Any JSON object nesting at most ${MAX_JSON_DEPTH} levels; when given it replaces the stored properties.`,
  example: { location: "Building A", firmware: "v2.1.0", model: "TM-500" },
});
describe(saveDeviceBody.shape.categories, {
  description:
    "Extension. Names of active categories that apply to devices (appliesTo device or any), case-insensitive; " +
    "when given they replace the stored list. Routing rules match them with `deviceCategory`.",
  example: ["Production"],
});
describe(saveDeviceBody, { id: "SaveDeviceRequest" });
describe(bulkMetadataBody.shape.devices, {
  description: `Device identifier → its new metadata (a JSON object nesting at most ${MAX_JSON_DEPTH} levels), 1..${DEVICE_LIMITS.bulk} entries. Replaces each device's properties wholesale.`,
  example: {
    "SN-A100": { firmwareVersion: "3.2.1", status: "active", location: "Building A" },
    "SN-B200": { firmwareVersion: "3.2.1", status: "maintenance" },
    "SN-UNKNOWN": { status: "active" },
  },
});
describe(bulkMetadataBody, { id: "BulkMetadataRequest" });
