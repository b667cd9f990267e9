// Build time only; the worker never imports this module. The response schemas, which only the
// OpenAPI document reads (the handlers build their answers, typed by their queries), and what the
// document says about the request schemas (`describe`: ids, descriptions, examples).
import * as z from "zod/mini";
import { errorSchema } from "../common.docs";
import {
  assignDevicesToOwnerBody,
  assignDeviceToOwnersBody,
  identifiers,
  normalizedEmail,
  unassignDeviceFromOwnerBody,
  unassignDevicesFromOwnerBody,
} from "./schemas";
import { describe } from "../common.docs";
const assignedDevice = z.object({ identifier: z.string(), deviceId: z.string(), wasCreated: z.boolean() });

export const assignDeviceToOwnersResponse = z
  .object({
    success: z.literal(true),
    message: z.string().register(z.globalRegistry, { example: "Successfully assigned device to 2 customer(s)" }),
    deviceId: z.string(),
    deviceWasCreated: z.boolean(),
    assignedCustomers: z.array(z.object({ email: z.string(), customerId: z.string(), wasCreated: z.boolean() })),
    invalidEmails: z.array(z.string()).register(z.globalRegistry, { description: "Extension: the emails skipped as invalid, as sent." }),
  })
  .register(z.globalRegistry, { id: "AssignDeviceToOwnersResponse" });

export const assignDevicesToOwnerResponse = z
  .object({
    success: z.literal(true),
    message: z.string().register(z.globalRegistry, { example: "Successfully assigned 2 device(s) to customer" }),
    customerId: z.string(),
    customerWasCreated: z.boolean(),
    assignedDevices: z.array(assignedDevice).register(z.globalRegistry, { description: "Devices this call assigned." }),
    alreadyAssigned: z
      .array(assignedDevice)
      .register(z.globalRegistry, { description: "Devices that were already assigned to the customer (no-op)." }),
    skipped: z
      .array(z.string())
      .register(z.globalRegistry, { description: "Identifiers of no device of this organization (without autoCreateDevices)." }),
  })
  .register(z.globalRegistry, { id: "AssignDevicesToOwnerResponse" });

export const unassignDeviceFromOwnerResponse = z
  .object({
    success: z.literal(true),
    message: z.literal("Device successfully unassigned from customer"),
    customerId: z.string(),
    deviceIdentifier: z.string(),
    devicesRemaining: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: "UnassignDeviceFromOwnerResponse" });

export const unassignDevicesFromOwnerResponse = z
  .object({
    success: z.literal(true),
    message: z.string().register(z.globalRegistry, { example: "Successfully unassigned 1 device(s) from customer" }),
    customerId: z.string(),
    unassignedDevices: z.array(z.string()),
    skipped: z
      .array(z.string())
      .register(z.globalRegistry, { description: "Identifiers that were not assigned to this customer (no-op)." }),
    devicesRemaining: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: "UnassignDevicesFromOwnerResponse" });

/** unassignDeviceFromOwner's 400: when the device is not the customer's, Telemetron's extra keys beside `error`. */
export const notAssignedErrorSchema = z
  .extend(errorSchema, {
    customerId: z.optional(z.string()).register(z.globalRegistry, { description: "When the device is not assigned: the customer's id." }),
    deviceIdentifier: z
      .optional(z.string())
      .register(z.globalRegistry, { description: "When the device is not assigned: the identifier asked for." }),
    currentDevices: z.optional(z.array(z.string())).register(z.globalRegistry, {
      description: "When the device is not assigned: the identifiers of the devices the customer does have.",
    }),
  })
  .register(z.globalRegistry, { id: "DeviceNotAssignedError" });

// What the document says about the request schemas (the worker validates with them, undescribed).
describe(normalizedEmail, { format: "email", example: "john.doe@example.com" });
describe(identifiers, { example: ["SN-001", "SN-002", "SN-003"] });
describe(assignDeviceToOwnersBody.shape.deviceIdentifier, { example: "SN-12345-ABCDE" });
describe(assignDeviceToOwnersBody.shape.customerEmails, {
  description: "Trimmed and lower-cased; invalid ones are skipped (and listed in `invalidEmails`); 400 when none is valid.",
  example: ["john.doe@example.com", "jane.smith@example.com"],
});
describe(assignDeviceToOwnersBody.shape.autoCreateDevice, {
  description: "Create the device if missing (needs `deviceType`). Default false.",
});
describe(assignDeviceToOwnersBody.shape.deviceType, { example: "Thermostat" });
describe(assignDeviceToOwnersBody, { id: "AssignDeviceToOwnersRequest" });
describe(assignDevicesToOwnerBody.shape.autoCreateDevices, { description: "Create missing devices (needs `deviceType`). Default false." });
describe(assignDevicesToOwnerBody.shape.deviceType, { example: "sensor" });
describe(assignDevicesToOwnerBody, { id: "AssignDevicesToOwnerRequest" });
describe(unassignDeviceFromOwnerBody.shape.deviceIdentifier, { example: "SN-12345-ABCDE" });
describe(unassignDeviceFromOwnerBody, { id: "UnassignDeviceFromOwnerRequest" });
describe(unassignDevicesFromOwnerBody, { id: "UnassignDevicesFromOwnerRequest" });
