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

export const saveDeviceBody = z.object({
  // Its own instance: schemas.docs.ts describes this use of the shared schema, not every use.
  identifier: identifier.clone(),
  type: z.optional(deviceType),
  properties: z.optional(storedJsonObject("properties")),
  categories: z.optional(
    z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.category))).check(z.maxLength(DEVICE_LIMITS.categories)),
  ),
});

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

export const bulkMetadataBody = z.object({
  devices: z.record(z.string(), z.unknown(), { error: BULK_MESSAGES.devices }).check(
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
  ),
});
