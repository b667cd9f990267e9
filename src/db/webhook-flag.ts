import { sql, type Placeholder } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { activeKey } from "./auth";
import type { Db } from "./client";
import { apiKeys } from "./schema";
import { qualified } from "./sql";

/**
 * Whether the organization `organizationId` has an enabled webhook endpoint (1 or 0), as a column
 * of a write batch's report: the handler then sends one dispatch message after the response for
 * the deliveries the outbox trigger wrote (src/webhooks/dispatch.ts), and an organization without
 * endpoints costs nothing more than this probe of webhook_endpoints_org_idx.
 */
export const hasWebhooks = (organizationId: SQLiteColumn) =>
  sql<number>`exists (select 1 from webhook_endpoints as we where we.organization_id = ${qualified(organizationId)} and we.enabled = 1)`.as(
    "webhooks",
  );

/** keyOrganization (src/db/auth.ts) with the webhook flag: the first statement of a write batch that may write events. */
export const keyOrganizationWithWebhooks = (db: Db, keyHash: string | Placeholder) =>
  db
    .select({ organizationId: apiKeys.organizationId, webhooks: hasWebhooks(apiKeys.organizationId) })
    .from(apiKeys)
    .where(activeKey(keyHash))
    .limit(1);
