import { env } from "cloudflare:workers";
import { shardCount, shardD1, shardIndexes, shardNames } from "../../src/db/shards";

/** How many shards the suite runs (wrangler.toml's D1_SHARDS: three). */
export const SHARDS = shardCount(env);

/** Every shard index, for tests that run once per shard (`describe.each(ALL_SHARDS)`). */
export const ALL_SHARDS = shardIndexes(env);

/** Shard `shard`'s D1 binding, as the worker sees it. */
export const shardDb = (shard: number): D1Database => shardD1(env, shard);

/** The env key of shard `shard`'s binding (`DB`, `DB_1`, …): what a test overrides to wrap it. */
export const bindingName = (shard: number) => shardNames(env)[shard]! as "DB";

/** An env override that puts `binding` in place of shard `shard`'s database. */
export const withShardDb = (shard: number, binding: D1Database) => ({ [bindingName(shard)]: binding }) as { DB: D1Database };
