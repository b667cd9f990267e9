import { and, eq, inArray, isNull, type Placeholder, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "./client";
import { apiKeys } from "./schema";

/** The key row is usable: digest matches and it has not been revoked. */
export const activeKey = (keyHash: string | Placeholder): SQL => and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt))!;

/**
 * Scopes a query to the organization that owns the key. Every org-scoped statement carries
 * this condition, so a statement can never see another tenant's rows even if a handler forgot.
 */
export const inKeyOrg = (db: Db, column: SQLiteColumn, keyHash: string): SQL =>
  inArray(column, db.select({ id: apiKeys.organizationId }).from(apiKeys).where(activeKey(keyHash)));

/** The first statement of a read batch: no row means the key is unknown or revoked (401). */
export const keyOrganization = (db: Db, keyHash: string) =>
  db.select({ organizationId: apiKeys.organizationId }).from(apiKeys).where(activeKey(keyHash)).limit(1);
