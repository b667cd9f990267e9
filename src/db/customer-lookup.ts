import { and, eq } from "drizzle-orm";
import type { Db } from "./client";
import { customers } from "./schema";

/** A customer of this organization by id, or undefined. */
export const findCustomerInOrg = (db: Db, organizationId: string, customerId: string) =>
  db
    .select({ id: customers.id, emailLower: customers.emailLower })
    .from(customers)
    .where(and(eq(customers.id, customerId), eq(customers.organizationId, organizationId)))
    .get();
