import * as z from "zod/mini";
import { bookmarkHeader, bookmarkResponseHeader } from "../../http/d1-session";
import { apiKeySecurity as security, errorResponses, examplesOf, jsonContent } from "../common.docs";
import { saveDeviceBody } from "./schemas";
import { bulkMetadataResponse, savedDeviceResponse } from "./schemas.docs";
import type { RouteDocs } from "../route";

const _headers = z.object(bookmarkHeader);
const tags = ["Devices"];

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const devicesDocs: Record<string, RouteDocs> = {
  createOrUpdateDevice: {
    tags,
    summary: "Create or update a device by identifier",
    description:
      "Upsert keyed by `identifier` within the organization. Creating needs `type` (400 without); updating needs " +
      "only the identifier and what changes. `properties` and `categories`, when given, replace the stored ones.",
    security,
    body: {
      examples: examplesOf(saveDeviceBody, {
        create: {
          summary: "Create (Telemetron's example)",
          value: { identifier: "sensor-001", type: "sensor", properties: { location: "Building A", firmware: "v2.1.0", model: "TM-500" } },
        },
        update: {
          summary: "Update properties (Telemetron's example)",
          value: { identifier: "sensor-001", properties: { location: "Building B", firmware: "v2.2.0" } },
        },
      }),
    },
    responses: {
      200: { ...jsonContent(savedDeviceResponse, "Created or updated"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, 413, 415, 429, 500, 503),
    },
  },
  bulkUpdateDeviceMetadata: {
    tags,
    summary: "Replace the metadata of up to 1,000 devices",
    description:
      "Full replacement of each listed device's metadata (its `properties`), matched by trimmed identifier within the " +
      "organization; nothing is created. Unknown identifiers come back as `not_found`. Results follow the input order. " +
      "One D1 statement whatever the count. The 400 `error` strings are Telemetron's, and ours where it documents none: " +
      "an identifier may appear only once in `devices`, and `devices` only once in the body.",
    security,
    responses: {
      200: { ...jsonContent(bulkMetadataResponse, "Updated; one result per input key"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, 413, 415, 429, 500, 503),
    },
  },
};
