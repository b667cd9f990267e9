import * as z from "zod/mini";
import { errorBody, errors } from "../../http/errors";
import { bookmarkHeader, bookmarkResponseHeader } from "../../http/d1-session";
import { apiKeySecurity as security, errorResponses, examplesOf, jsonContent } from "../common.docs";
import { assignDeviceToOwnersBody } from "./schemas";
import {
  notAssignedErrorSchema,
  assignDevicesToOwnerResponse,
  assignDeviceToOwnersResponse,
  unassignDeviceFromOwnerResponse,
  unassignDevicesFromOwnerResponse,
} from "./schemas.docs";
import type { RouteDocs } from "../route";

const _headers = z.object(bookmarkHeader);
const tags = ["Device assignments"];
const _BASE = "/api/ext-v1/deviceAssignment";

/** What the OpenAPI document says about each operation beyond what its route validates (build time only). */
export const deviceAssignmentsDocs: Record<string, RouteDocs> = {
  assignDeviceToOwners: {
    tags,
    summary: "Assign one device to one or more customers",
    description:
      "Multi-owner (a family shares a device). Emails are trimmed and lower-cased; invalid ones are skipped, 400 when " +
      "none is valid. Missing customers are created, named by their email prefix. An unknown device is a 404 unless " +
      "`autoCreateDevice` (which needs `deviceType`). Re-assigning an existing pair is a no-op.",
    security,
    body: {
      examples: examplesOf(assignDeviceToOwnersBody, {
        family: {
          summary: "Two owners (Telemetron's example)",
          value: { deviceIdentifier: "SN-12345-ABCDE", customerEmails: ["john.doe@example.com", "jane.smith@example.com"] },
        },
        autoCreate: {
          summary: "Create the device on the fly (Telemetron's Getting Started)",
          value: {
            deviceIdentifier: "SN-12345-ABCDE",
            customerEmails: ["john.doe@example.com"],
            autoCreateDevice: true,
            deviceType: "Thermostat",
          },
        },
      }),
    },
    responses: {
      200: { ...jsonContent(assignDeviceToOwnersResponse, "Assigned"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.assignmentDeviceNotFound() }, 413, 415, 429, 500, 503),
    },
  },
  assignDevicesToOwner: {
    tags,
    summary: "Assign several devices to one customer",
    description:
      "The customer is created if missing. Unknown identifiers go to `skipped` unless `autoCreateDevices` (plural; needs " +
      "`deviceType`); devices already assigned to the customer go to `alreadyAssigned`. The message counts every listed " +
      "device now assigned (new and already), as Telemetron's example does.",
    security,
    responses: {
      200: { ...jsonContent(assignDevicesToOwnerResponse, "Assigned"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, 413, 415, 429, 500, 503),
    },
  },
  unassignDeviceFromOwner: {
    tags,
    summary: "Remove one device from one customer",
    description:
      "Device and customer records stay. 404 for an unknown customer; 400 when the device is not assigned to the customer, " +
      "with `customerId`, `deviceIdentifier` and `currentDevices` in the error body.",
    security,
    responses: {
      200: { ...jsonContent(unassignDeviceFromOwnerResponse, "Unassigned"), headers: bookmarkResponseHeader },
      ...errorResponses(401, { 404: errors.assignmentCustomerNotFound() }, 413, 415, 429, 500, 503),
      400: {
        description: "Invalid fields, or the device is not assigned to the customer (then with Telemetron's extra keys)",
        content: {
          "application/json": {
            schema: notAssignedErrorSchema,
            example: errorBody(
              errors.deviceNotAssigned({
                customerId: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b",
                deviceIdentifier: "sensor-002",
                currentDevices: ["sensor-001"],
              }),
            ),
          },
        },
      },
    },
  },
  unassignDevicesFromOwner: {
    tags,
    summary: "Remove several devices from one customer",
    description:
      "Partial success is normal: identifiers not assigned to the customer go to `skipped`; `devicesRemaining` lists what stays.",
    security,
    responses: {
      200: { ...jsonContent(unassignDevicesFromOwnerResponse, "Unassigned"), headers: bookmarkResponseHeader },
      ...errorResponses(400, 401, { 404: errors.assignmentCustomerNotFound() }, 413, 415, 429, 500, 503),
    },
  },
};
