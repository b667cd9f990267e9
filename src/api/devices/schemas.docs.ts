// Build time only: the response schemas, which only the OpenAPI document reads (the handlers build
// their answers, typed by their queries); the worker never imports this module.
import * as z from "zod/mini";
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
