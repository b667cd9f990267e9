import { eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { emailAddresses } from "../db/email-schema";
import { directoryD1, shardCount, shardOfOrganization } from "../db/shards";
import type { Env } from "../env";

/**
 * Which shard receives mail for an address. Inbound addresses are unique across the deployment:
 * shard 0's `email_addresses` lists every organization's (PATCH /admin/organizations/{id} writes it
 * first), and the organization id it names carries the shard. A one-shard deployment needs no
 * lookup. The answer is cached per isolate for DIRECTORY_TTL_MS (at most DIRECTORY_ENTRIES
 * addresses), so a busy address costs no extra round trip; when the cached shard no longer knows
 * the address (it moved to another organization meanwhile), the handler asks again uncached.
 */
export const DIRECTORY_TTL_MS = 60_000;
export const DIRECTORY_ENTRIES = 10_000;

const cache = new Map<string, { shard: number; organizationId: string; until: number }>();

export const forgetAddress = (address: string) => cache.delete(address);

export const shardOfAddress = async (
  env: Env,
  address: string,
  now = Date.now(),
): Promise<{ shard: number; organizationId?: string; cached: boolean } | null> => {
  if (shardCount(env) === 1) return { shard: 0, cached: false };
  const hit = cache.get(address);
  if (hit && hit.until > now) return { shard: hit.shard, organizationId: hit.organizationId, cached: true };
  const [row] = await createDb(directoryD1(env))
    .select({ organizationId: emailAddresses.organizationId })
    .from(emailAddresses)
    .where(eq(emailAddresses.address, address))
    .limit(1);
  if (!row) {
    cache.delete(address);
    return null;
  }
  const shard = shardOfOrganization(row.organizationId);
  cache.delete(address);
  if (cache.size >= DIRECTORY_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(address, { shard, organizationId: row.organizationId, until: now + DIRECTORY_TTL_MS });
  return { shard, organizationId: row.organizationId, cached: false };
};
