import { newId } from "../lib/ids";

/**
 * Organizations spread over several D1 databases, the worker's shards (ARCHITECTURE.md, "Shards").
 * This module is the only place that knows how a shard is named, found and written into keys and
 * ids; everything else asks it.
 *
 * - `D1_SHARDS` names the D1 bindings in order ("DB,DB_1,DB_2"). `DB` is always shard 0, so a
 *   deployment made before sharding (no `D1_SHARDS`) is a one-shard deployment.
 * - Each organization lives entirely in one shard. Its shard is known before any I/O: API keys issued
 *   for shard n start `tik<n>_` (keys from before sharding start `tik_`: shard 0), organization ids
 *   `org<n>_` (plain UUIDs from before: shard 0). Queue messages carry `shard` (absent: 0).
 * - Whatever must be unique across the deployment (a directory such as inbound email address →
 *   organization) lives on DIRECTORY_SHARD, shard 0, which every deployment has: one place to look
 *   it up and one unique index to make it unique, whichever shard the organization lives on.
 */

/** The shard of deployment-wide directories (unique across shards, looked up in one place). */
export const DIRECTORY_SHARD = 0;

/**
 * At most this many shards: a Worker may bind about 5,000 resources, and three digits keep keys and
 * ids short (https://developers.cloudflare.com/workers/platform/limits/#number-of-bindings).
 */
export const MAX_SHARDS = 1_000;

type ShardEnv = { D1_SHARDS?: string; DB: D1Database };

const parsed = new Map<string, readonly string[]>();

/** The D1 binding names of the shards, in order (parsed once per isolate per value of D1_SHARDS). */
export const shardNames = (env: ShardEnv): readonly string[] => {
  const spec = env.D1_SHARDS ?? "";
  let names = parsed.get(spec);
  if (!names) {
    const list = spec
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length === 0) list.push("DB");
    if (list[0] !== "DB") throw new Error(`D1_SHARDS must start with DB (shard 0), got "${spec}"`);
    if (list.length > MAX_SHARDS) throw new Error(`D1_SHARDS names ${list.length} bindings; at most ${MAX_SHARDS}`);
    if (new Set(list).size !== list.length) throw new Error(`D1_SHARDS names a binding twice: "${spec}"`);
    names = Object.freeze(list);
    parsed.set(spec, names);
  }
  return names;
};

export const shardCount = (env: ShardEnv): number => shardNames(env).length;

/** Every shard index of this deployment: 0 … shardCount − 1. */
export const shardIndexes = (env: ShardEnv): number[] => shardNames(env).map((_, i) => i);

/** Whether `shard` is one of this deployment's shards. */
export const isShard = (env: ShardEnv, shard: number): boolean => Number.isInteger(shard) && shard >= 0 && shard < shardCount(env);

/** The D1 binding of shard `shard`. Throws on a shard that does not exist or a name that is not a D1 binding (a deploy mistake). */
export const shardD1 = (env: ShardEnv, shard: number): D1Database => {
  const name = shardNames(env)[shard];
  if (name === undefined) throw new Error(`no D1 shard ${shard}: D1_SHARDS has ${shardCount(env)}`);
  const db = (env as unknown as Record<string, unknown>)[name] as D1Database | undefined;
  if (!db || typeof db.prepare !== "function") throw new Error(`D1_SHARDS names ${name}, which is not a D1 binding of this worker`);
  return db;
};

/** The shard a message carries (messages from before sharding carry none: shard 0). */
export const shardOf = (message: { shard?: number }): number => message.shard ?? 0;

// A shard number in a key or id: no leading zeros, so each shard has exactly one spelling.
const KEY_SHARD = /^tik(0|[1-9]\d{0,2})_/;
const ORG_SHARD = /^org(0|[1-9]\d{0,2})_/;

/** The visible start of a new API key for shard `shard` (`tik2_…`). */
export const apiKeyPrefix = (shard: number) => `tik${shard}_`;

/**
 * The shard an API key belongs to, from its prefix alone. A key from before sharding (`tik_…`) has
 * an underscore where the shard would be, which no new key has, so it is never read as another
 * shard. A forged prefix only picks the database: the digest still has to match a key there.
 */
export const shardOfApiKey = (key: string): number => {
  const m = KEY_SHARD.exec(key);
  return m ? Number(m[1]) : 0;
};

/** A new organization's id on shard `shard`: `org<shard>_<UUIDv7>`. */
export const newOrganizationId = (shard: number) => `org${shard}_${newId()}`;

/** The shard of an organization, from its id alone (ids from before sharding, plain UUIDs: shard 0). */
export const shardOfOrganization = (organizationId: string): number => {
  const m = ORG_SHARD.exec(organizationId);
  return m ? Number(m[1]) : 0;
};

/** The database of deployment-wide directories (DIRECTORY_SHARD): look a directory up here, then use the organization's own shard. */
export const directoryD1 = (env: ShardEnv): D1Database => shardD1(env, DIRECTORY_SHARD);
