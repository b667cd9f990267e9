import { call } from "./http";
import { rows } from "./tickets";

export const DEVICE = "/api/ext-v1/device";
export const BULK_METADATA = "/api/ext-v1/device/bulk-metadata";
export const ASSIGN_TO_OWNERS = "/api/ext-v1/deviceAssignment/assignDeviceToOwners";
export const ASSIGN_TO_OWNER = "/api/ext-v1/deviceAssignment/assignDevicesToOwner";
export const UNASSIGN_ONE = "/api/ext-v1/deviceAssignment/unassignDeviceFromOwner";
export const UNASSIGN_MANY = "/api/ext-v1/deviceAssignment/unassignDevicesFromOwner";

/** A POST to one of Telemetron's device paths, as its clients send it. */
export const post = (path: string, key: string, body: unknown) => call("POST", path, { key, body });

/** Creates a device and fails loudly unless it was accepted; returns its id. */
export const newDevice = async (key: string, body: Record<string, unknown>) => {
  const res = await post(DEVICE, key, { type: "sensor", ...body });
  if (res.status !== 200) throw new Error(`POST /device failed: ${res.status} ${res.text}`);
  return res.json.deviceId as string;
};

export const queryCustomer = (key: string, email: string) => call("POST", "/api/ext-v1/customer/queryCustomer", { key, body: { email } });

/** The stored device row, properties and categories parsed. */
export const storedDevice = async (organizationId: string, identifier: string) => {
  const [row] = await rows<{ id: string; type: string | null; properties: string; categories: string; updated_at: string }>(
    "select id, type, properties, categories, updated_at from devices where organization_id = ? and identifier = ?",
    organizationId,
    identifier,
  );
  return row && { ...row, properties: JSON.parse(row.properties), categories: JSON.parse(row.categories) };
};

/** Counts of what an organization holds, for tests that a call wrote nothing or exactly once. */
export const counts = async (organizationId: string) => {
  const [row] = await rows<{ devices: number; customers: number; links: number }>(
    `select (select count(*) from devices where organization_id = ?1) as devices,
            (select count(*) from customers where organization_id = ?1) as customers,
            (select count(*) from device_assignments where organization_id = ?1) as links`,
    organizationId,
  );
  return row!;
};
