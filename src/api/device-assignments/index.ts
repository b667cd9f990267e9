import type { Context } from "hono";
import { assignDevicesToOwner, assignDeviceToOwners, unassignDevices } from "../../db/device-assignments";
import type { AppEnv } from "../../env";
import type { D1Variables } from "../../http/d1-session";
import { errors } from "../../http/errors";
import { nowIso } from "../../lib/time";
import { createRouter } from "../router";
import {
  assignDevicesToOwnerRoute,
  assignDeviceToOwnersRoute,
  unassignDeviceFromOwnerRoute,
  unassignDevicesFromOwnerRoute,
} from "./routes";
import { ASSIGNMENT_MESSAGES as M, cleanIdentifiers, sortEmails } from "./schemas";

export const deviceAssignmentsApi = createRouter({ telemetron: true });

const noValidIdentifiers = () =>
  errors.validationFailed([{ path: "deviceIdentifiers", message: "every identifier is blank" }], M.noValidIdentifiers);

deviceAssignmentsApi.openapi(assignDeviceToOwnersRoute, async (c) => {
  const body = c.req.valid("json");
  const emails = sortEmails(body.customerEmails);
  if (emails.valid.length === 0) throw errors.invalidField("customerEmails", M.noValidEmails);
  const outcome = await assignDeviceToOwners(
    c.var.db,
    c.get("keyHash"),
    { identifier: body.deviceIdentifier, emails: emails.valid, create: body.autoCreateDevice ? { type: body.deviceType! } : undefined },
    nowIso(),
  );
  switch (outcome.kind) {
    case "unauthorized":
      throw errors.invalidApiKey();
    case "device_not_found":
      throw errors.assignmentDeviceNotFound();
    case "assigned":
      return c.json(
        {
          success: true as const,
          message: `Successfully assigned device to ${outcome.customers.length} customer(s)`,
          deviceId: outcome.deviceId,
          deviceWasCreated: outcome.deviceWasCreated,
          assignedCustomers: outcome.customers,
          invalidEmails: emails.invalid,
        },
        200,
      );
  }
});

deviceAssignmentsApi.openapi(assignDevicesToOwnerRoute, async (c) => {
  const body = c.req.valid("json");
  const identifiers = cleanIdentifiers(body.deviceIdentifiers);
  if (identifiers.length === 0) throw noValidIdentifiers();
  const outcome = await assignDevicesToOwner(
    c.var.db,
    c.get("keyHash"),
    { email: body.customerEmail, identifiers, create: body.autoCreateDevices ? { type: body.deviceType! } : undefined },
    nowIso(),
  );
  if (outcome.kind === "unauthorized") throw errors.invalidApiKey();
  const { kind: _, ...result } = outcome;
  const count = result.assignedDevices.length + result.alreadyAssigned.length;
  return c.json({ success: true as const, message: `Successfully assigned ${count} device(s) to customer`, ...result }, 200);
});

/** Both unassign calls: the customer's links to the listed devices removed, or the 401/404 Telemetron documents. */
const unassign = async (c: Context<AppEnv & D1Variables>, email: string, identifiers: string[]) => {
  const outcome = await unassignDevices(c.var.db, c.get("keyHash"), { email, identifiers });
  if (outcome.kind === "unauthorized") throw errors.invalidApiKey();
  if (outcome.kind === "customer_not_found") throw errors.assignmentCustomerNotFound();
  return outcome;
};

deviceAssignmentsApi.openapi(unassignDeviceFromOwnerRoute, async (c) => {
  const { customerEmail, deviceIdentifier } = c.req.valid("json");
  const outcome = await unassign(c, customerEmail, [deviceIdentifier]);
  if (outcome.unassigned.length === 0) {
    throw errors.deviceNotAssigned({ customerId: outcome.customerId, deviceIdentifier, currentDevices: outcome.remaining });
  }
  return c.json(
    {
      success: true as const,
      message: "Device successfully unassigned from customer" as const,
      customerId: outcome.customerId,
      deviceIdentifier,
      devicesRemaining: outcome.remaining,
    },
    200,
  );
});

deviceAssignmentsApi.openapi(unassignDevicesFromOwnerRoute, async (c) => {
  const body = c.req.valid("json");
  const identifiers = cleanIdentifiers(body.deviceIdentifiers);
  if (identifiers.length === 0) throw noValidIdentifiers();
  const outcome = await unassign(c, body.customerEmail, identifiers);
  return c.json(
    {
      success: true as const,
      message: `Successfully unassigned ${outcome.unassigned.length} device(s) from customer`,
      customerId: outcome.customerId,
      unassignedDevices: outcome.unassigned,
      skipped: outcome.skipped,
      devicesRemaining: outcome.remaining,
    },
    200,
  );
});
