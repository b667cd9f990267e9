import * as z from "zod/mini";
import { createRoute } from "../route";
import { bookmarkHeader, d1Session } from "../../http/d1-session";
import { jsonBody } from "../common";
import { bulkMetadataBody, saveDeviceBody } from "./schemas";

const headers = z.object(bookmarkHeader);
const _tags = ["Devices"];

export const saveDeviceRoute = createRoute({
  operationId: "createOrUpdateDevice",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/device",
  request: {
    body: jsonBody(saveDeviceBody),
    headers,
  },
});

export const bulkMetadataRoute = createRoute({
  operationId: "bulkUpdateDeviceMetadata",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: "/api/ext-v1/device/bulk-metadata",
  request: { body: jsonBody(bulkMetadataBody), headers },
});
