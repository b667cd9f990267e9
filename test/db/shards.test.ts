import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  apiKeyPrefix,
  DIRECTORY_SHARD,
  directoryD1,
  isShard,
  newOrganizationId,
  shardCount,
  shardD1,
  shardNames,
  shardOf,
  shardOfApiKey,
  shardOfOrganization,
} from "../../src/db/shards";
import { generateApiKey } from "../../src/lib/crypto";

const base64url = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
  minLength: 43,
  maxLength: 43,
});

describe("the shard module", () => {
  it("reads D1_SHARDS in order, DB first; unset is DB alone", () => {
    expect(shardNames(env)).toEqual(["DB", "DB_1", "DB_2"]);
    expect(shardCount(env)).toBe(3);
    expect(shardNames({ DB: env.DB })).toEqual(["DB"]);
    expect(shardNames({ DB: env.DB, D1_SHARDS: " DB , DB_1 " })).toEqual(["DB", "DB_1"]);
    expect(() => shardNames({ DB: env.DB, D1_SHARDS: "DB_1,DB" })).toThrow(/must start with DB/);
    expect(() => shardNames({ DB: env.DB, D1_SHARDS: "DB,DB_1,DB_1" })).toThrow(/twice/);
  });

  it("finds each shard's binding, and refuses a name that is not one", () => {
    expect(shardD1(env, 0)).toBe(env.DB);
    expect(shardD1(env, 2)).toBe(env.DB_2);
    expect(directoryD1(env)).toBe(shardD1(env, DIRECTORY_SHARD));
    expect(DIRECTORY_SHARD).toBe(0);
    expect(() => shardD1(env, 3)).toThrow(/no D1 shard 3/);
    expect(() => shardD1({ DB: env.DB, D1_SHARDS: "DB,DB_9" }, 1)).toThrow(/DB_9, which is not a D1 binding/);
    expect([0, 2, 3, -1, 1.5].map((s) => isShard(env, s))).toEqual([true, true, false, false, false]);
  });

  it("a new key names its shard, and no key from before sharding is ever read as another shard", () => {
    for (const shard of [0, 1, 2, 10, 999]) expect(shardOfApiKey(generateApiKey(apiKeyPrefix(shard)))).toBe(shard);
    // Keys before sharding: tik_ + 43 base64url characters, any of which may be a digit or an underscore.
    fc.assert(fc.property(base64url, (body) => shardOfApiKey(`tik_${body}`) === 0));
    expect(shardOfApiKey("tik_1_looks_like_a_shard")).toBe(0);
    expect(shardOfApiKey("tik_demo_local_only_key")).toBe(0);
    // One spelling per shard: a leading zero is not a shard number.
    expect(shardOfApiKey("tik01_x")).toBe(0);
    expect(shardOfApiKey("nonsense")).toBe(0);
  });

  it("a new organization id names its shard; plain UUIDs from before are shard 0", () => {
    expect(newOrganizationId(2)).toMatch(/^org2_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(shardOfOrganization(newOrganizationId(2))).toBe(2);
    fc.assert(fc.property(fc.uuid(), (id) => shardOfOrganization(id) === 0));
  });

  it("a queue message without a shard is shard 0's", () => {
    expect(shardOf({})).toBe(0);
    expect(shardOf({ shard: 2 })).toBe(2);
  });
});
