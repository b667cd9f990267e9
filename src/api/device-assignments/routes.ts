import * as z from "zod/mini";
import { createRoute } from "../route";
import { bookmarkHeader, d1Session } from "../../http/d1-session";
import { jsonBody } from "../common";
import { assignDevicesToOwnerBody, assignDeviceToOwnersBody, unassignDeviceFromOwnerBody, unassignDevicesFromOwnerBody } from "./schemas";

const headers = z.object(bookmarkHeader);
const _tags = ["Device assignments"];
const BASE = "/api/ext-v1/deviceAssignment";

export const assignDeviceToOwnersRoute = createRoute({
  operationId: "assignDeviceToOwners",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: `${BASE}/assignDeviceToOwners`,
  request: {
    body: jsonBody(assignDeviceToOwnersBody),
    headers,
  },
});

export const assignDevicesToOwnerRoute = createRoute({
  operationId: "assignDevicesToOwner",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: `${BASE}/assignDevicesToOwner`,
  request: { body: jsonBody(assignDevicesToOwnerBody), headers },
});

export const unassignDeviceFromOwnerRoute = createRoute({
  operationId: "unassignDeviceFromOwner",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: `${BASE}/unassignDeviceFromOwner`,
  request: { body: jsonBody(unassignDeviceFromOwnerBody), headers },
});

export const unassignDevicesFromOwnerRoute = createRoute({
  operationId: "unassignDevicesFromOwner",
  middleware: [d1Session("write")] as const,
  method: "post",
  path: `${BASE}/unassignDevicesFromOwner`,
  request: { body: jsonBody(unassignDevicesFromOwnerBody), headers },
});
