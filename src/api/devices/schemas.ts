import * as z from "zod/mini";
import { storedJsonObject } from "../customers/schemas";
import { MAX_JSON_DEPTH, nestsWithin, tooDeepMessage } from "../../lib/json-depth";
import { LIMITS } from "../tickets/schemas";

/** Device-side bounds. Telemetron documents 1,000 devices per bulk-metadata call. */
export const DEVICE_LIMITS = { identifier: LIMITS.deviceIdentifier, type: 100, categories: 50, bulk: 1000 } as const;

export const identifier = z
  .string({ error: "identifier must be a non-empty string" })
  .check(z.trim(), z.minLength(1, "identifier must be a non-empty string"), z.maxLength(DEVICE_LIMITS.identifier));

export const deviceType = z.string().check(z.trim(), z.minLength(1, "type must be a non-empty string"), z.maxLength(DEVICE_LIMITS.type));

export const saveDeviceBody = z
  .object({
    identifier: identifier
      .clone()
      .register(z.globalRegistry, { description: "Unique per organization (trimmed, compared exactly).", example: "sensor-001" }),
    type: z
      .optional(deviceType)
      .register(z.globalRegistry, { description: "Required to create a device; optional on update.", example: "sensor" }),
    properties: z.optional(storedJsonObject("properties")).register(z.globalRegistry, {
      description: `Any JSON object nesting at most ${MAX_JSON_DEPTH} levels; when given it replaces the stored properties.`,
      example: { location: "Building A", firmware: "v2.1.0", model: "TM-500" },
    }),
    categories: z
      .optional(
        z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.category))).check(z.maxLength(DEVICE_LIMITS.categories)),
      )
      .register(z.globalRegistry, {
        description:
          "Extension. Names of active categories that apply to devices (appliesTo device or any), case-insensitive; " +
          "when given they replace the stored list. Routing rules match them with `deviceCategory`.",
        example: ["Production"],
      }),
  })
  .register(z.globalRegistry, { id: "SaveDeviceRequest" });

// Telemetron's 400 messages for bulk-metadata, word for word.
export const BULK_MESSAGES = {
  devices: "devices is required and must be an object mapping identifiers to metadata",
  empty: "devices must contain at least one entry",
  tooMany: `Too many devices. Maximum ${DEVICE_LIMITS.bulk} per request`,
  metadata: (id: string) => `Invalid metadata for device "${id}": must be a JSON object`,
  // Ours, in the same words as Telemetron's.
  tooDeep: (id: string) => `Invalid metadata for device "${id}": ${tooDeepMessage("metadata")}`,
  repeatedDevices: "devices must appear only once in the request body",
  duplicate: (id: string) => `Duplicate device identifier "${id}": each device may appear only once in devices`,
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export const bulkMetadataBody = z
  .object({
    devices: z
      .record(z.string(), z.unknown(), { error: BULK_MESSAGES.devices })
      .check(
        z.superRefine((devices, ctx) => {
          const keys = Object.keys(devices);
          if (keys.length === 0) ctx.addIssue({ code: "custom", message: BULK_MESSAGES.empty });
          if (keys.length > DEVICE_LIMITS.bulk) ctx.addIssue({ code: "custom", message: BULK_MESSAGES.tooMany });
          for (const key of keys) {
            const metadata = devices[key];
            if (!isObject(metadata)) ctx.addIssue({ code: "custom", path: [key], message: BULK_MESSAGES.metadata(key.trim()) });
            else if (!nestsWithin(metadata, MAX_JSON_DEPTH))
              ctx.addIssue({ code: "custom", path: [key], message: BULK_MESSAGES.tooDeep(key.trim()) });
          }
        }),
      )
      .register(z.globalRegistry, {
        description: `Device identifier → its new metadata (a JSON object nesting at most ${MAX_JSON_DEPTH} levels), 1..${DEVICE_LIMITS.bulk} entries. Replaces each device's properties wholesale.`,
        example: {
          "SN-A100": { firmwareVersion: "3.2.1", status: "active", location: "Building A" },
          "SN-B200": { firmwareVersion: "3.2.1", status: "maintenance" },
          "SN-UNKNOWN": { status: "active" },
        },
      }),
  })
  .register(z.globalRegistry, { id: "BulkMetadataRequest" });
