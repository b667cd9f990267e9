import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { customers, devices } from "./schema";

/**
 * Why a create batch stored nothing although the key was valid: which of the named customer and
 * device this organization lacks. Failure path only, so it may cost a second round trip.
 */
export const missingReferences = async (db: Db, organizationId: string, refs: { customerId?: string; deviceIdentifier?: string }) => {
  const [customer, device] = await db.batch([
    db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.id, refs.customerId ?? ""), eq(customers.organizationId, organizationId))),
    db
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.identifier, refs.deviceIdentifier?.trim() ?? ""), eq(devices.organizationId, organizationId))),
  ]);
  return {
    customer: refs.customerId !== undefined && customer.length === 0,
    device: refs.deviceIdentifier !== undefined && device.length === 0,
  };
};
